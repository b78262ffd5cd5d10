namespace ControlPlane.Grains.Tenants;

/// <summary>The caller's tenant has no row with this id in this table (answered as 404).</summary>
public sealed class TenantRowNotFoundException(string table, long id) : Exception($"There is no row {id} in {table}.")
{
    public string Table { get; } = table;

    public long Id { get; } = id;
}
