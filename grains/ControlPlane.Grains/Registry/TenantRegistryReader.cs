using ControlPlane.Grains.Database;
using ControlPlane.Grains.Tenants;
using ControlPlane.Registry.Contracts.Tenants;
using NpgsqlTypes;

namespace ControlPlane.Grains.Registry;

/// <summary>Listing and counting over the registry, paged by slug (keyset paging: stable under inserts, no OFFSET scans).</summary>
public sealed class TenantRegistryReader(ControlPlaneDataSources dataSources) : ITenantRegistryReader
{
    public async Task<TenantPage> ListAsync(TenantFilter filter, int limit, string? afterSlug, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var parameters = new PositionalParameters();
        var after = parameters.Add(afterSlug, NpgsqlDbType.Text);
        var take = parameters.Add(limit + 1, NpgsqlDbType.Integer);
        await using var command = dataSources.Registry.CreateCommand(
            $"""
            SELECT {TenantRows.Columns} FROM controlplane.tenants t
            WHERE ({after}::text IS NULL OR t.slug > {after}) AND {TenantFilterSql.Where(filter, "t", parameters)}
            ORDER BY t.slug
            LIMIT {take}
            """);
        parameters.AddTo(command.Parameters);
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

    public async Task<TenantCounts> CountAsync(TenantFilter filter, CancellationToken cancellationToken)
    {
        // One scan for both groupings; a row of the state grouping has a null version and the other way round.
        var parameters = new PositionalParameters();
        await using var command = dataSources.Registry.CreateCommand(
            $"""
            SELECT t.state, t.migration_version, count(*) FROM controlplane.tenants t
            WHERE {TenantFilterSql.Where(filter, "t", parameters)}
            GROUP BY GROUPING SETS ((t.state), (t.migration_version))
            """);
        parameters.AddTo(command.Parameters);
        var byState = Enum.GetValues<TenantStatus>().ToDictionary(s => s.ToString(), _ => 0L, StringComparer.Ordinal);
        var byVersion = new SortedDictionary<int, long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!reader.IsDBNull(0))
            {
                byState[reader.GetString(0)] = reader.GetInt64(2);
            }
            else
            {
                byVersion[reader.GetInt32(1)] = reader.GetInt64(2);
            }
        }

        return new TenantCounts(byState.Values.Sum(), byState, byVersion);
    }
}
