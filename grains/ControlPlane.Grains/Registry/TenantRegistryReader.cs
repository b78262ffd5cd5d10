using ControlPlane.Grains.Database;
using ControlPlane.Grains.Tenants;
using ControlPlane.Registry.Contracts.Tenants;
using Npgsql;
using NpgsqlTypes;

namespace ControlPlane.Grains.Registry;

/// <summary>Listing and counting over the registry, paged by slug (keyset paging: stable under inserts, no OFFSET scans).</summary>
public sealed class TenantRegistryReader(ControlPlaneDataSources dataSources) : ITenantRegistryReader
{
    public async Task<TenantPage> ListAsync(TenantStatus? status, int limit, string? afterSlug, CancellationToken cancellationToken, LabelSelector? labels = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var parameters = new PositionalParameters();
        var state = parameters.Add(status?.ToString(), NpgsqlDbType.Text);
        var after = parameters.Add(afterSlug, NpgsqlDbType.Text);
        var take = parameters.Add(limit + 1, NpgsqlDbType.Integer);
        var selected = labels is null ? string.Empty : $" AND {LabelSelectorSql.Where(labels, "t.labels", parameters)}";
        await using var command = dataSources.Registry.CreateCommand(
            $"""
            SELECT {TenantRows.Columns} FROM controlplane.tenants t
            WHERE ({state}::text IS NULL OR t.state = {state}) AND ({after}::text IS NULL OR t.slug > {after}){selected}
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
