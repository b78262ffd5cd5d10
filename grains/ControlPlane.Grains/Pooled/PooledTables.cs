using System.Collections.Concurrent;
using ControlPlane.Grains.TenantData;
using Microsoft.Extensions.Options;

namespace ControlPlane.Grains.Pooled;

/// <summary>The data API's statements on the pooled schema's shared tables, built once per table.</summary>
public sealed class PooledTables(IOptions<PooledOptions> options)
{
    private readonly ConcurrentDictionary<string, TenantTableSql> _sql = new(StringComparer.Ordinal);

    public TenantTableSql SqlFor(TenantTable table) => _sql.GetOrAdd(table.Name, _ => TenantTableSql.Pooled(table, options.Value.Schema));
}
