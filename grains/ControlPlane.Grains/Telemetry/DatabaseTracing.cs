using System.Diagnostics;
using Npgsql;

namespace ControlPlane.Grains.Telemetry;

/// <summary>
/// Npgsql's spans, kept only inside work we trace (a request, a grain turn, a unit): the membership heartbeat and the
/// sweepers query the registry every second, and each of those would otherwise be a trace of its own.
/// </summary>
internal static class DatabaseTracing
{
    public static NpgsqlDataSourceBuilder TraceOnlyWithinSpans(this NpgsqlDataSourceBuilder builder) =>
        builder.ConfigureTracing(o => o
            .ConfigureCommandFilter(_ => Activity.Current is not null)
            .ConfigureBatchFilter(_ => Activity.Current is not null)
            .EnablePhysicalOpenTracing(false));
}
