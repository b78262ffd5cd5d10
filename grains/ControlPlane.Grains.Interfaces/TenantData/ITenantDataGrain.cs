using ControlPlane.Grains.Telemetry;
using Orleans;
using Orleans.Concurrency;

namespace ControlPlane.Grains.TenantData;

/// <summary>
/// A tenant's own data, reached through its grain (the same activation as <c>ITenantGrain</c>, keyed by slug) and run
/// on its dedicated pool as its own role. Every method interleaves: PostgreSQL orders concurrent reads and writes, so a
/// tenant's requests never queue behind one another or behind provisioning turns. Each call first checks that the
/// tenant is Active, from a cache refreshed on the tenant's own transitions and on the cluster's change feed.
/// </summary>
[GrainKeyTag(TelemetryTags.TenantId)]
[GrainKeyTag(TelemetryTags.TenantSchema, Prefix = TelemetryTags.SchemaPrefix)]
[Alias("cp.ITenantDataGrain")]
public interface ITenantDataGrain : IGrainWithStringKey
{
    /// <summary>The tenant, when it serves.</summary>
    /// <exception cref="Tenants.TenantNotServingException">It does not exist or is not Active.</exception>
    [AlwaysInterleave]
    Task<TenantServing> GetServingAsync(CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> rows with ids above <paramref name="after"/>, by id.</summary>
    [AlwaysInterleave]
    Task<TenantDataPage> ListAsync(TenantDataSet dataSet, long? after, int limit, CancellationToken cancellationToken);

    /// <summary>One row; throws <see cref="Tenants.TenantRowNotFoundException"/> when there is none.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyDictionary<string, object?>> FindAsync(TenantDataSet dataSet, long id, CancellationToken cancellationToken);

    /// <summary>Inserts a row from a JSON object of fields (validated against the table; unknown fields refused) and returns it.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyDictionary<string, object?>> InsertAsync(TenantDataSet dataSet, string fieldsJson, CancellationToken cancellationToken);

    /// <summary>Changes the given fields of one row (the others stay) and returns it.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyDictionary<string, object?>> UpdateAsync(TenantDataSet dataSet, long id, string fieldsJson, CancellationToken cancellationToken);

    /// <summary>Deletes one row; throws <see cref="Tenants.TenantRowNotFoundException"/> when there is none.</summary>
    [AlwaysInterleave]
    Task DeleteAsync(TenantDataSet dataSet, long id, CancellationToken cancellationToken);
}
