using ControlPlane.Grains.Database;
using ControlPlane.Grains.Tenants;
using ControlPlane.Registry.Contracts.Tenants;
using Npgsql;
using NpgsqlTypes;

namespace ControlPlane.Grains.Registry;

/// <summary>Listing and counting over the registry, paged by slug (keyset paging: stable under inserts, no OFFSET scans).</summary>
public sealed class TenantRegistryReader(ControlPlaneDataSources dataSources) : ITenantRegistryReader
{
    public async Task<TenantPage> ListAsync(TenantStatus? status, int limit, string? afterSlug, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var command = dataSources.Registry.CreateCommand(
            $"""
            SELECT {TenantRows.Columns} FROM controlplane.tenants t
            WHERE ($1::text IS NULL OR t.state = $1) AND ($2::text IS NULL OR t.slug > $2)
            ORDER BY t.slug
            LIMIT $3
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)status?.ToString() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)afterSlug ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = limit + 1 });
        var items = new List<TenantSnapshot>(limit);
        var more = false;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (items.Count == limit)
            {
                more = true;
                break;
            }

            items.Add(TenantSnapshots.From(TenantRows.Read(reader)));
        }

        return new TenantPage(items, more ? items[^1].Slug : null);
    }

    public async Task<IReadOnlyDictionary<TenantStatus, long>> CountByStatusAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSources.Registry.CreateCommand("SELECT state, count(*) FROM controlplane.tenants GROUP BY state");
        var counts = Enum.GetValues<TenantStatus>().ToDictionary(s => s, _ => 0L);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[Enum.Parse<TenantStatus>(reader.GetString(0))] = reader.GetInt64(1);
        }

        return counts;
    }
}
