using System.Diagnostics.Metrics;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Grains.Tenants;
using Npgsql;

namespace ControlPlane.Grains.Telemetry;

/// <summary>
/// The control plane's instruments, on a meter from the host's factory (one per silo, so silos sharing a process
/// never mix their readings). Observable readings are taken only when an exporter collects.
/// </summary>
public sealed class ControlPlaneMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "ControlPlane.Grains";

    private readonly Histogram<double> _provisioning;
    private readonly Histogram<double> _migration;
    private readonly Counter<long> _rolloutTenants;
    private readonly ControlPlaneDataSources _dataSources;

    public ControlPlaneMetrics(IMeterFactory meters, ControlPlaneDataSources dataSources, TenantPoolBudget pools)
    {
        _dataSources = dataSources;
        var meter = meters.Create(MeterName);
        _provisioning = meter.CreateHistogram<double>(
            "controlplane.provisioning.duration", "s", "From a tenant's registration to its provisioning outcome (Active, or a failed step).");
        _migration = meter.CreateHistogram<double>(
            "controlplane.migration.duration", "s", "Time to apply one migration to one tenant.");
        _rolloutTenants = meter.CreateCounter<long>(
            "controlplane.rollout.tenants", "{tenant}", "Tenants a rollout has finished, by outcome: its progress.");
        meter.CreateObservableGauge("controlplane.tenants", CountTenants, "{tenant}", "Tenants by state.");
        meter.CreateObservableGauge("controlplane.rollout.progress", RolloutProgress, "1", "Share of an open rollout's tenants that are finished (0 to 1).");
        meter.CreateObservableGauge("controlplane.tenant_pool.connections.in_use", () => pools.InUse, "{connection}", "Tenant-role connections in use.");
        meter.CreateObservableGauge("controlplane.tenant_pool.connections.budget", () => pools.Capacity, "{connection}", "The most tenant-role connections this silo may hold.");
    }

    /// <summary>A tenant reached Active (<c>succeeded</c>) or a provisioning step failed (<c>failed</c>).</summary>
    public void ProvisioningEnded(string outcome, TimeSpan sinceRegistered) =>
        _provisioning.Record(Math.Max(0, sinceRegistered.TotalSeconds), new KeyValuePair<string, object?>(TelemetryTags.Outcome, outcome));

    /// <summary>One migration applied (or failed) on one tenant.</summary>
    public void MigrationApplied(int version, string outcome, TimeSpan took) =>
        _migration.Record(
            took.TotalSeconds,
            new KeyValuePair<string, object?>(TelemetryTags.MigrationVersion, version),
            new KeyValuePair<string, object?>(TelemetryTags.Outcome, outcome));

    /// <summary>A rollout finished one tenant.</summary>
    public void RolloutTenantFinished(string rolloutId, string outcome) =>
        _rolloutTenants.Add(
            1,
            new KeyValuePair<string, object?>(TelemetryTags.RolloutId, rolloutId),
            new KeyValuePair<string, object?>(TelemetryTags.Outcome, outcome));

    private IEnumerable<Measurement<long>> CountTenants() => Read(
        "SELECT state, count(*) FROM controlplane.tenants GROUP BY state",
        reader => new Measurement<long>(reader.GetInt64(1), new KeyValuePair<string, object?>(TelemetryTags.TenantState, reader.GetString(0))));

    private IEnumerable<Measurement<double>> RolloutProgress() => Read(
        $"""
        SELECT r.id, count(*) FILTER (WHERE t.status <> 'Pending')::float8 / greatest(count(t.slug), 1)
        FROM controlplane.rollouts r LEFT JOIN controlplane.rollout_tenants t ON t.rollout_id = r.id
        WHERE r.state IN {RolloutRows.OpenStates} GROUP BY r.id
        """,
        reader => new Measurement<double>(reader.GetDouble(1), new KeyValuePair<string, object?>(TelemetryTags.RolloutId, reader.GetString(0))));

    // Collection is rare (an exporter's interval) and synchronous by contract, so one short registry query is fine here.
    private List<T> Read<T>(string sql, Func<NpgsqlDataReader, T> measurement)
    {
        var readings = new List<T>();
        try
        {
            using var command = _dataSources.Registry.CreateCommand(sql);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                readings.Add(measurement(reader));
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or ObjectDisposedException or InvalidOperationException)
        {
            // No reading this time (registry unreachable or the silo stopping); the next collection tries again.
        }

        return readings;
    }
}
