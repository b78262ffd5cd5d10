namespace ControlPlane.Grains.TenantData;

/// <summary>
/// A table of the tenant model as the API exposes it. Names here are constants of this build, quoted by Npgsql when
/// the SQL is built; the table is unqualified on purpose: the tenant's role and its connection's search path decide
/// which schema it is, exactly as the seeds' "existing queries work unchanged" promises.
/// </summary>
public sealed class TenantTable
{
    public TenantTable(string name, string singular, IReadOnlyList<TenantColumn> columns)
    {
        Name = name;
        Singular = singular;
        Columns = columns;
        ByName = columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        TouchesUpdatedAt = ByName.ContainsKey(TenantColumn.UpdatedAt.Name);
        Sql = new TenantTableSql(this);
    }

    /// <summary>The table, e.g. <c>components</c>.</summary>
    public string Name { get; }

    /// <summary>One row in words, for messages: "component".</summary>
    public string Singular { get; }

    /// <summary>The columns returned, in order; the first is the <c>id</c> key.</summary>
    public IReadOnlyList<TenantColumn> Columns { get; }

    public IReadOnlyDictionary<string, TenantColumn> ByName { get; }

    /// <summary>The table has <c>updated_at</c>, which every update sets to now.</summary>
    public bool TouchesUpdatedAt { get; }

    /// <summary>Its statements, built once.</summary>
    public TenantTableSql Sql { get; }
}
