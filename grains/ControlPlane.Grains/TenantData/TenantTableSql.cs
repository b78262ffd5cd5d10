using ControlPlane.Grains.Database;

namespace ControlPlane.Grains.TenantData;

/// <summary>
/// A tenant table's statements. Identifiers come from <see cref="TenantTable"/> and are quoted by Npgsql; every value
/// is a parameter. For the schema tier no statement names a schema: the connection's role and search path (set at
/// login) decide it. For the pooled tier (<see cref="Pooled"/>) every statement names the pooled table and filters by
/// the transaction's tenant itself, so isolation holds in shadow mode too, and rows come from the tenant's key range.
/// </summary>
public sealed class TenantTableSql
{
    private readonly TenantTable _table;
    private readonly string _quotedTable;
    private readonly string _returning;

    // "" for the schema tier; the tenant predicate and AND for the pooled tier.
    private readonly string _tenant;

    internal TenantTableSql(TenantTable table, string? pooledSchema = null)
    {
        _table = table;
        _quotedTable = pooledSchema is null ? PgIdentifier.Quote(table.Name) : $"{PgIdentifier.Quote(pooledSchema)}.{PgIdentifier.Quote(table.Name)}";
        _tenant = pooledSchema is null ? string.Empty : $"tenant_id = (SELECT {PgIdentifier.Quote(pooledSchema)}.current_tenant()) AND ";
        _returning = string.Join(", ", table.Columns.Select(c => PgIdentifier.Quote(c.Name)));
        var where = pooledSchema is null ? string.Empty : $" WHERE {_tenant[..^5]}";
        ListFirst = $"SELECT {_returning} FROM {_quotedTable}{where} ORDER BY id LIMIT $1";
        ListAfter = $"SELECT {_returning} FROM {_quotedTable} WHERE {_tenant}id > $2 ORDER BY id LIMIT $1";
        Find = $"SELECT {_returning} FROM {_quotedTable} WHERE {_tenant}id = $1";
        Delete = $"DELETE FROM {_quotedTable} WHERE {_tenant}id = $1";
    }

    /// <summary>The same table's statements on the shared tables of <paramref name="pooledSchema"/>.</summary>
    public static TenantTableSql Pooled(TenantTable table, string pooledSchema) => new(table, pooledSchema);

    /// <summary>The first page: <c>$1</c> = limit.</summary>
    public string ListFirst { get; }

    /// <summary>A later page: <c>$1</c> = limit, <c>$2</c> = the last id seen.</summary>
    public string ListAfter { get; }

    /// <summary><c>$1</c> = id.</summary>
    public string Find { get; }

    /// <summary><c>$1</c> = id.</summary>
    public string Delete { get; }

    /// <summary>An insert of the given columns (<c>$1..$n</c> in order), returning the row.</summary>
    public string Insert(IReadOnlyList<string> columns) => columns.Count == 0
        ? $"INSERT INTO {_quotedTable} DEFAULT VALUES RETURNING {_returning}"
        : $"INSERT INTO {_quotedTable} ({string.Join(", ", columns.Select(Quote))}) VALUES ({string.Join(", ", columns.Select((_, i) => "$" + (i + 1)))}) RETURNING {_returning}";

    /// <summary>An update of the given columns (<c>$1..$n</c>), keyed by <c>$(n+1)</c> = id, returning the row.</summary>
    public string Update(IReadOnlyList<string> columns)
    {
        var sets = columns.Select((c, i) => $"{Quote(c)} = ${i + 1}").ToList();
        if (_table.TouchesUpdatedAt)
        {
            sets.Add($"{PgIdentifier.Quote(TenantColumn.UpdatedAt.Name)} = now()");
        }

        return $"UPDATE {_quotedTable} SET {string.Join(", ", sets)} WHERE {_tenant}id = ${columns.Count + 1} RETURNING {_returning}";
    }

    private string Quote(string column) =>
        _table.ByName.ContainsKey(column) ? PgIdentifier.Quote(column) : throw new ArgumentException($"{column} is not a column of {_table.Name}.", nameof(column));
}
