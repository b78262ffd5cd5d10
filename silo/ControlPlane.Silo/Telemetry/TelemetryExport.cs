using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ControlPlane.Silo.Telemetry;

/// <summary>
/// An exporter added to the silo's providers besides OTLP (tests register an in-process one). Registering any
/// turns the providers on even without <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.
/// </summary>
/// <param name="Traces">Adds a span processor or exporter.</param>
/// <param name="Metrics">Adds a metric reader.</param>
public sealed record TelemetryExport(Action<TracerProviderBuilder>? Traces = null, Action<MeterProviderBuilder>? Metrics = null);
