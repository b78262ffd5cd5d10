using Orleans;
namespace ControlPlane.Grains.Tenants;

/// <summary>The caller's tenant has no row with this id in this table (answered as 404).</summary>
[GenerateSerializer, Alias("cp.TenantRowNotFoundException")]
public sealed class TenantRowNotFoundException(string table, long id) : Exception($"There is no row {id} in {table}.")
{
    [Id(0)]
    public string Table { get; } = table;

    [Id(1)]
    public long Id { get; } = id;
}
