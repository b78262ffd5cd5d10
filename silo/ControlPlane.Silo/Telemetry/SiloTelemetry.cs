using System.Diagnostics;
using ControlPlane.Api.Telemetry;
using ControlPlane.Grains.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ControlPlane.Silo.Telemetry;

/// <summary>
/// OpenTelemetry through the standard host (<c>AddOpenTelemetry()</c>): our spans and meters beside Orleans' (grain
/// calls, with activity propagation across silos) and Npgsql's, exported over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and to any <see cref="TelemetryExport"/> registered (the tests' in-process
/// collector). With neither, nothing is sampled, so an unobserved silo pays nothing for its spans.
/// </summary>
internal static class SiloTelemetry
{
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Orleans' grain-call spans (caller and callee share the trace).</summary>
    public const string OrleansApplicationSource = "Microsoft.Orleans.Application";

    /// <summary>Orleans' one meter: requests, activations, directory, messaging, reminders, storage.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    private static readonly string[] Sources = [RequestTelemetry.AspNetCoreSourceName, OrleansApplicationSource, ProvisioningTelemetry.SourceName, "Npgsql"];
    private static readonly string[] Meters = [OrleansMeter, ControlPlaneMetrics.MeterName];

    public static WebApplicationBuilder AddControlPlaneTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[EndpointVariable]);
        var telemetry = builder.Services.AddOpenTelemetry()
            // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, read last, override these defaults.
            .ConfigureResource(resource => resource
                .AddService("controlplane-silo", serviceInstanceId: Environment.MachineName)
                .AddEnvironmentVariableDetector())
            .WithTracing(traces =>
            {
                traces.AddSource(Sources);
                if (otlp)
                {
                    traces.AddOtlpExporter();
                }

                traces.AddProcessor(services => services.GetService<TelemetryExport>()?.Spans ?? new NoSpans());
                traces.SetSampler(services => otlp || services.GetService<TelemetryExport>() is not null
                    ? new ParentBasedSampler(new AlwaysOnSampler())
                    : new AlwaysOffSampler());
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Meters);
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }

                // A registered export's reader, or one that is never collected.
                metrics.AddReader(services => services.GetService<TelemetryExport>()?.Metrics ?? new BaseExportingMetricReader(new NoExport()));
            });
        if (otlp)
        {
            telemetry.WithLogging(logs => logs.AddOtlpExporter(), options =>
            {
                options.IncludeScopes = true;
                options.IncludeFormattedMessage = true;
            });
        }

        return builder;
    }

    private sealed class NoSpans : BaseProcessor<Activity>;

    private sealed class NoExport : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
    }
}
