using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using ControlPlane.Grains.Telemetry;

namespace ControlPlane.Silo.OrleansSilo;

/// <summary>
/// Tags every incoming call to a grain whose interface carries <see cref="GrainKeyTagAttribute"/> with the grain's
/// key (<c>tenant.id</c>, <c>tenant.schema</c>, <c>rollout.id</c>): on Orleans' grain-call span, renamed
/// <c>{GrainClass}.{Method}</c> so a trace reads as the grain's own story, and on a logging scope for everything the
/// call logs, on whichever silo the activation lives.
/// </summary>
internal sealed class GrainKeyTagFilter(ILogger<GrainKeyTagFilter> logger) : IIncomingGrainCallFilter
{
    private static readonly ConcurrentDictionary<Type, GrainKeyTagAttribute[]> TagsByInterface = new();

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var tags = context.InterfaceMethod?.DeclaringType is { } contract
            ? TagsByInterface.GetOrAdd(contract, static type => [.. type.GetCustomAttributes<GrainKeyTagAttribute>()])
            : [];
        if (tags.Length == 0)
        {
            await context.Invoke();
            return;
        }

        var key = context.TargetId.Key.ToString();
        var grainType = context.Grain.GetType().Name;
        var fields = new Dictionary<string, object>(tags.Length + 1, StringComparer.Ordinal) { ["grain.type"] = grainType };
        var span = Activity.Current;
        if (span is not null)
        {
            span.DisplayName = $"{grainType}.{context.MethodName}";
        }

        foreach (var tag in tags)
        {
            var value = tag.Prefix + key;
            fields[tag.Name] = value;
            span?.SetTag(tag.Name, value);
        }

        using (logger.BeginScope(fields))
        {
            await context.Invoke();
        }
    }
}
