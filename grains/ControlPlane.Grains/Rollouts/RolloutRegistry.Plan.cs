using System.Data;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Migrations.Lint;
using ControlPlane.Grains.Tenants;
using ControlPlane.Registry.Contracts.Rollouts;
using Npgsql;

namespace ControlPlane.Grains.Rollouts;

// The plan: the creation's own assignment query, read instead of inserted, in a read-only transaction (so that
// PostgreSQL itself refuses any write a future change might slip in).
public sealed partial class RolloutRegistry
{
    private const int FirstShown = 10;

    public async Task<RolloutPreview> PlanAsync(RolloutPlan plan, string? tenant, CancellationToken cancellationToken)
    {
        var accepted = MigrationLint.RequireKnownRules(plan.AcceptLint);
        var (set, target) = Resolve(plan);
        var waves = RolloutWaves.Normalize(plan.Waves);
        await using var connection = await dataSources.Registry.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction))
        {
            await readOnly.ExecuteNonQueryAsync(cancellationToken);
        }

        var drift = await FindDriftAsync(connection, set, cancellationToken);
        var pooledUnits = new List<(string Slug, string Wave, string Status, string? Reason, int From)>();
        var builders = waves.Select(w => new WaveTally(w)).ToList();
        var skipped = new Dictionary<string, (int Count, List<string> First)>(StringComparer.Ordinal);
        RolloutPreviewTenant? asked = null;
        int? lowestPending = null;

        var parameters = new PositionalParameters();
        await using (var command = new NpgsqlCommand(
            RolloutAssignment.With(waves, target, parameters) + "SELECT slug, wave, status, from_version, error, kind FROM assigned ORDER BY rn",
            connection,
            transaction))
        {
            parameters.AddTo(command.Parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var slug = reader.GetString(0);
                var wave = builders[reader.GetInt32(1)];
                var status = reader.GetString(2);
                var from = reader.GetInt32(3);
                var reason = reader.IsDBNull(4) ? null : reader.GetString(4);
                var pooled = reader.GetString(5) == "pooled";
                wave.Add(slug, status, from, pooled);
                if (pooled)
                {
                    // Counted in its wave like a tenant; its own migrations and checks are shown apart.
                    pooledUnits.Add((slug, wave.Plan.Name, status, reason, from));
                    continue;
                }

                if (status == nameof(RolloutTenantStatus.Pending) && (lowestPending is null || from < lowestPending))
                {
                    lowestPending = from;
                }

                if (reason is not null && status == nameof(RolloutTenantStatus.Skipped))
                {
                    var group = skipped.TryGetValue(reason, out var g) ? g : (Count: 0, First: new List<string>());
                    if (group.First.Count < FirstShown)
                    {
                        group.First.Add(slug);
                    }

                    skipped[reason] = (group.Count + 1, group.First);
                }

                if (slug == tenant)
                {
                    asked = new RolloutPreviewTenant(slug, wave.Plan.Name, status, reason, from, status == nameof(RolloutTenantStatus.Pending) ? Versions(set, from, target) : []);
                }
            }
        }

        var pooledPreview = await PooledPreviewAsync(connection, transaction, pooledUnits, target, cancellationToken);
        if (tenant is not null && asked is null)
        {
            asked = await PooledTenantAsync(connection, transaction, tenant, pooledPreview, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (tenant is not null && asked is null)
        {
            throw new TenantNotFoundException(tenant);
        }

        return new RolloutPreview(
            target,
            [.. builders.Select(b => b.Build(set, target))],
            [.. skipped.OrderByDescending(s => s.Value.Count).ThenBy(s => s.Key, StringComparer.Ordinal).Select(s => new RolloutPreviewSkip(s.Key, s.Value.Count, s.Value.First))],
            [.. drift.Take(DriftShown)],
            drift.Count,
            asked,
            lint.Pending(set, target, lowestPending, accepted),
            pooledPreview);
    }

    /// <summary>A pooled tenant asked for: it lands where its pooled schema's unit does (null: no such pooled tenant).</summary>
    private static async Task<RolloutPreviewTenant?> PooledTenantAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string tenant, List<RolloutPreviewPooled> units, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT pooled_schema FROM controlplane.tenants WHERE slug = $1 AND tier = 'pooled' AND state <> 'Deleted'", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = tenant });
        return await command.ExecuteScalarAsync(cancellationToken) is string schema && units.FirstOrDefault(u => u.Schema == schema) is { } unit
            ? new RolloutPreviewTenant(tenant, unit.Wave, unit.Status, $"pooled: migrated with its pooled schema, as the unit {unit.Name}" + (unit.Reason is { } why ? $" ({why})" : string.Empty), unit.FromVersion, unit.Versions)
            : null;
    }

    /// <summary>Each pooled unit of the plan with its pooled migrations, its tenants, and what would refuse a start.</summary>
    private async Task<List<RolloutPreviewPooled>> PooledPreviewAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<(string Slug, string Wave, string Status, string? Reason, int From)> units, int target, CancellationToken cancellationToken)
    {
        if (units.Count == 0)
        {
            return [];
        }

        var tenants = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(
            "SELECT pooled_schema, count(*)::int FROM controlplane.tenants WHERE tier = 'pooled' AND state <> 'Deleted' GROUP BY pooled_schema", connection, transaction))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                tenants[reader.GetString(0)] = reader.GetInt32(1);
            }
        }

        var refusals = (await Pooled.PooledRolloutUnit.RefusalsAsync(connection, transaction, pooledCatalog, target, cancellationToken))
            .ToDictionary(r => r.Schema, r => r.Refusal, StringComparer.Ordinal);
        MigrationSet? pooledSet = null;
        try
        {
            pooledSet = pooledCatalog.Migrations.Current();
        }
        catch (MigrationCatalogException)
        {
            // Its refusal says why.
        }

        return [.. units.Select(u =>
        {
            var schema = Pooled.PooledRolloutUnit.TryParse(u.Slug, out var named) ? named : u.Slug;
            var pending = u.Status == nameof(RolloutTenantStatus.Pending);
            return new RolloutPreviewPooled(
                u.Slug, schema, u.Wave, u.Status, u.Reason, u.From,
                pending && pooledSet is not null ? Versions(pooledSet, u.From, target) : [],
                tenants.GetValueOrDefault(schema),
                refusals.GetValueOrDefault(schema));
        })];
    }

    /// <summary>The catalogue's versions a tenant at <paramref name="from"/> receives on its way to <paramref name="target"/>.</summary>
    private static int[] Versions(MigrationSet set, int from, int target) =>
        [.. set.Scripts.Where(s => s.Version > from && s.Version <= target).Select(s => s.Version)];

    /// <summary>One wave's tenants, counted as the plan's rows stream by.</summary>
    private sealed class WaveTally(RolloutWavePlan plan)
    {
        private readonly List<string> _first = [];
        private readonly SortedDictionary<int, int> _pendingFrom = [];
        private int _tenants;
        private int _skipped;

        public RolloutWavePlan Plan => plan;

        public void Add(string slug, string status, int from, bool pooled)
        {
            _tenants++;
            if (status != nameof(RolloutTenantStatus.Pending))
            {
                _skipped++;
                return;
            }

            if (_first.Count < FirstShown)
            {
                _first.Add(slug);
            }

            if (pooled)
            {
                // Its migrations come from the pooled catalogue: shown on the pooled unit, not here.
                return;
            }

            _pendingFrom[from] = _pendingFrom.GetValueOrDefault(from) + 1;
        }

        public RolloutPreviewWave Build(MigrationSet set, int target) => new(
            plan.Name,
            plan.Selector,
            plan.Tenants,
            _tenants,
            _tenants - _skipped,
            _skipped,
            _first,
            [.. _pendingFrom.Select(p => new RolloutPreviewMigrations(p.Key, Versions(set, p.Key, target), p.Value))]);
    }
}
