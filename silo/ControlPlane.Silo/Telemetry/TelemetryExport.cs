using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace ControlPlane.Silo.Telemetry;

/// <summary>
/// An exporter beside OTLP, registered as a service (the tests' in-process collector): every finished span goes to
/// <paramref name="Spans"/>, and <paramref name="Metrics"/> reads the silo's meters.
/// </summary>
public sealed record TelemetryExport(BaseProcessor<Activity> Spans, MetricReader Metrics);
