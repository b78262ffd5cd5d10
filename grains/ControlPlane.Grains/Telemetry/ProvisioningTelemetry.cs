using System.Diagnostics;
using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Tenants;

namespace ControlPlane.Grains.Telemetry;

/// <summary>Spans of the units of work a tenant's drive runs: one per provisioning step, and one per migration.</summary>
public static class ProvisioningTelemetry
{
    /// <summary>The activity source of provisioning steps and migrations.</summary>
    public const string SourceName = "ControlPlane.Provisioning";

    internal static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts the span of one unit; a migration's name and version are added once its script is chosen.</summary>
    internal static Activity? StartUnit(WorkUnit unit, TenantRow row, string? rolloutId, DateTimeOffset startTime = default)
    {
        var span = Source.StartActivity(
            unit == WorkUnit.Migrate ? "tenant.migrate" : $"tenant.{unit}".ToLowerInvariant(), ActivityKind.Internal, parentContext: default, startTime: startTime);
        if (span is null)
        {
            return null;
        }

        span.SetTag(TelemetryTags.TenantId, row.Slug);
        span.SetTag(TelemetryTags.TenantSchema, row.DataSchema);
        span.SetTag("tenant.tier", row.Tier.ToText());
        span.SetTag(TelemetryTags.MigrationVersion, row.MigrationVersion);
        span.SetTag("tenant.state", row.State.ToString());
        span.SetTag("provisioning.step", unit.ToString());
        if (rolloutId is not null)
        {
            span.SetTag(TelemetryTags.RolloutId, rolloutId);
        }

        return span;
    }

    /// <summary>
    /// Records a step that ran inside another unit's transaction (<see cref="Tenants.Steps.BuildStep"/>) as the span it
    /// would have had on its own, a child of the current unit's, from <paramref name="start"/> to <paramref name="end"/>.
    /// </summary>
    internal static void RecordStep(WorkUnit unit, TenantRow row, DateTimeOffset start, DateTimeOffset end, Migrations.MigrationScript? script)
    {
        using var span = StartUnit(unit, row, rolloutId: null, start);
        if (span is null)
        {
            return;
        }

        if (script is not null)
        {
            Migrating(script.Version, script.Name);
        }

        span.SetEndTime(end.UtcDateTime);
    }

    /// <summary>Marks the current unit's span as the migration of <paramref name="version"/> (<paramref name="name"/>).</summary>
    internal static void Migrating(int version, string name)
    {
        if (Activity.Current is { Source.Name: SourceName } span)
        {
            span.DisplayName = $"tenant.migrate V{version:0000}";
            span.SetTag(TelemetryTags.MigrationVersion, version);
            span.SetTag("migration.name", name);
        }
    }

    /// <summary>Records a failed unit on its span: the exception event and an error status.</summary>
    internal static void Failed(Activity? span, Exception error)
    {
        span?.AddException(error);
        span?.SetStatus(ActivityStatusCode.Error, error.Message);
    }
}
