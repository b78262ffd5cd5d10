using ControlPlane.Api.Telemetry;
using ControlPlane.Grains.Cluster;
using ControlPlane.Grains.Telemetry;
using ControlPlane.Runtime.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ControlPlane.Silo.Telemetry;

/// <summary>
/// The silo's OpenTelemetry providers, tied to the host's lifetime by hand (the SDK's hosting package is not in our
/// package source): built when the host starts, flushed and disposed when it stops. Nothing is built, and so
/// nothing exported, unless <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set or a <see cref="TelemetryExport"/> is registered.
/// The OTLP exporter reads the standard <c>OTEL_*</c> variables itself.
/// </summary>
internal sealed class SiloTelemetry(IConfiguration configuration, IEnumerable<TelemetryExport> exports, SiloIdentity silo) : IHostedService, IDisposable
{
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    private static readonly string[] Sources = [RequestTelemetry.AspNetCoreSourceName, RuntimeTelemetry.SourceName, ProvisioningTelemetry.SourceName, "Npgsql"];
    private static readonly string[] Meters = [RuntimeTelemetry.MeterName, ControlPlaneMetrics.MeterName];

    private TracerProvider? _traces;
    private MeterProvider? _metrics;

    public static bool OtlpEnabled(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[EndpointVariable]);

    /// <summary>Logs go through the host's logging builder, so the logger factory owns (and disposes) their provider.</summary>
    public static void AddLogging(WebApplicationBuilder builder)
    {
        if (!OtlpEnabled(builder.Configuration))
        {
            return;
        }

        builder.Logging.AddOpenTelemetry(o =>
        {
            o.IncludeScopes = true;
            o.IncludeFormattedMessage = true;
            o.SetResourceBuilder(Resource(builder.Configuration["ControlPlane:Cluster:SiloName"]));
            o.AddOtlpExporter();
        });
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var extra = exports.ToList();
        var otlp = OtlpEnabled(configuration);
        if (!otlp && extra.Count == 0)
        {
            return Task.CompletedTask;
        }

        var traces = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(Resource(silo.Name)).AddSource(Sources);
        var metrics = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(Resource(silo.Name)).AddMeter(Meters);
        if (otlp)
        {
            traces.AddOtlpExporter();
            metrics.AddOtlpExporter();
        }

        foreach (var export in extra)
        {
            export.Traces?.Invoke(traces);
            export.Metrics?.Invoke(metrics);
        }

        _traces = traces.Build();
        _metrics = metrics.Build();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        // Registered first, so stopped last: the shutdown's own spans are still exported.
        Dispose();
        return Task.CompletedTask;
    }

    // Stopping and the container's disposal can both get here, on different threads: each provider is disposed once.
    public void Dispose()
    {
        Interlocked.Exchange(ref _traces, null)?.Dispose();
        Interlocked.Exchange(ref _metrics, null)?.Dispose();
    }

    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, read last, override these defaults.
    private static ResourceBuilder Resource(string? siloName) => ResourceBuilder.CreateEmpty()
        .AddService("controlplane-silo", serviceInstanceId: siloName ?? Environment.MachineName)
        .AddTelemetrySdk()
        .AddEnvironmentVariableDetector();
}
