using System.Reflection;

namespace ControlPlane.Runtime.Core;

/// <summary>
/// The object behind a grain interface reference: every interface call becomes a turn
/// in the target activation's mailbox.
/// </summary>
public class GrainReference : DispatchProxy
{
    private GrainRuntime? _runtime;
    private GrainInterfaceMap? _map;
    private GrainTelemetry? _telemetry;

    /// <summary>The grain this reference points at.</summary>
    public GrainId Id { get; private set; }

    internal void Bind(GrainRuntime runtime, GrainInterfaceMap map, GrainId id)
    {
        _runtime = runtime;
        _map = map;
        Id = id;
        _telemetry = map.Tags.For(id.Key);
    }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var method = _map!.Methods[targetMethod];
        return _runtime!.Invoke(Id, method, args ?? [], _telemetry!);
    }
}
