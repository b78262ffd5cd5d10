using System.Diagnostics;

namespace ControlPlane.Runtime.Telemetry;

/// <summary>The names under which the runtime reports: one span per grain turn, and its meter's instruments.</summary>
public static class RuntimeTelemetry
{
    /// <summary>Traces of grain turns.</summary>
    public const string SourceName = "ControlPlane.Runtime";

    /// <summary>Activations and mailboxes.</summary>
    public const string MeterName = "ControlPlane.Runtime";

    internal static readonly ActivitySource Source = new(SourceName);
}
