using System.Collections.Concurrent;
using System.Diagnostics;
using ControlPlane.Silo.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ControlPlane.Tests.Harness;

/// <summary>
/// An in-process exporter for a test silo: every finished span, and on demand a collection of every metric,
/// through the same OpenTelemetry providers that would export over OTLP.
/// </summary>
public sealed class CollectedTelemetry
{
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly MetricCollector _metrics = new();
    private readonly BaseExportingMetricReader _reader;

    public CollectedTelemetry()
    {
        _reader = new BaseExportingMetricReader(_metrics) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative };
        Export = new TelemetryExport(new SimpleActivityExportProcessor(new SpanCollector(_spans)), _reader);
    }

    /// <summary>Register this with the silo's services.</summary>
    public TelemetryExport Export { get; }

    public IReadOnlyList<Activity> Spans => [.. _spans];

    /// <summary>Spans carrying <paramref name="tag"/> = <paramref name="value"/>.</summary>
    public IReadOnlyList<Activity> SpansWith(string tag, object value) =>
        [.. _spans.Where(s => Equals(s.GetTagItem(tag)?.ToString(), value.ToString()))];

    /// <summary>Collects now (observable instruments are read) and returns every reading.</summary>
    public IReadOnlyList<MetricReading> CollectMetrics()
    {
        _reader.Collect();
        return _metrics.Last;
    }

    private sealed class SpanCollector(ConcurrentQueue<Activity> spans) : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            foreach (var span in batch)
            {
                spans.Enqueue(span);
            }

            return ExportResult.Success;
        }
    }

    private sealed class MetricCollector : BaseExporter<Metric>
    {
        public IReadOnlyList<MetricReading> Last { get; private set; } = [];

        public override ExportResult Export(in Batch<Metric> batch)
        {
            // The SDK reuses its metric objects: copy the values out now.
            var readings = new List<MetricReading>();
            foreach (var metric in batch)
            {
                foreach (ref readonly var point in metric.GetMetricPoints())
                {
                    var tags = new Dictionary<string, string?>();
                    foreach (var tag in point.Tags)
                    {
                        tags[tag.Key] = tag.Value?.ToString();
                    }

                    readings.Add(metric.MetricType switch
                    {
                        MetricType.Histogram => new MetricReading(metric.Name, tags, point.GetHistogramSum(), point.GetHistogramCount()),
                        MetricType.LongSum or MetricType.LongSumNonMonotonic => new MetricReading(metric.Name, tags, point.GetSumLong(), 1),
                        MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => new MetricReading(metric.Name, tags, point.GetSumDouble(), 1),
                        MetricType.LongGauge => new MetricReading(metric.Name, tags, point.GetGaugeLastValueLong(), 1),
                        MetricType.DoubleGauge => new MetricReading(metric.Name, tags, point.GetGaugeLastValueDouble(), 1),
                        _ => new MetricReading(metric.Name, tags, double.NaN, 0),
                    });
                }
            }

            Last = readings;
            return ExportResult.Success;
        }
    }
}

/// <summary>One metric point: its value (a histogram's sum) and, for histograms, how many measurements it holds.</summary>
public sealed record MetricReading(string Name, IReadOnlyDictionary<string, string?> Tags, double Value, long Count)
{
    public bool Has(string tag, object value) => Tags.TryGetValue(tag, out var actual) && actual == value.ToString();

    public override string ToString() => $"{Name}{{{string.Join(",", Tags.Select(t => $"{t.Key}={t.Value}"))}}} = {Value} (n={Count})";
}

/// <summary>Telemetry tests read process-wide listeners, so they run alone: no other test's silo adds spans or meters.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryTests
{
    public const string Name = "Telemetry";
}
