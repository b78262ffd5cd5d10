using Orleans;
namespace ControlPlane.Grains.TenantData;

/// <summary>The example base model's tables a tenant caller reaches under <c>/v1/me</c>.</summary>
[GenerateSerializer, Alias("cp.TenantDataSet")]
public enum TenantDataSet
{
    Teams,
    Users,
    Components,
    Environments,
    Tags,
    Versions,
}
