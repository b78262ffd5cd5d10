using ControlPlane.Grains.Cluster;
using ControlPlane.Grains.Database;
using Npgsql;

namespace ControlPlane.Grains.Tenants;

/// <summary>Finds tenants with work due that no live silo is driving: retries, and work a dead silo left mid-way.</summary>
public sealed class DueTenantWork(ControlPlaneDataSources dataSources)
{
    public async Task<IReadOnlyList<string>> FindDueAsync(string siloId, TimeSpan heartbeatExpiry, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSources.Registry.CreateCommand(
            $"""
            SELECT t.slug FROM controlplane.tenants t
            WHERE t.next_attempt_at <= clock_timestamp()
              AND {LeaseFence.Claimable("t.lease_owner", "$1", "$2")}
            ORDER BY t.next_attempt_at
            LIMIT $3
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = siloId });
        command.Parameters.Add(new NpgsqlParameter { Value = heartbeatExpiry });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var slugs = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            slugs.Add(reader.GetString(0));
        }

        return slugs;
    }
}
