using System.Reflection;

namespace ControlPlane.Runtime.Core;

/// <summary>The telemetry attributes of a grain's turns, worked out once per interface from its <see cref="GrainKeyTagAttribute"/>s.</summary>
internal sealed class TurnTags(Type interfaceType, Type grainType)
{
    private readonly GrainKeyTagAttribute[] _keyTags = [.. interfaceType.GetCustomAttributes<GrainKeyTagAttribute>()];

    public string GrainTypeName { get; } = grainType.Name;

    /// <summary>The attributes for one grain: its type and key, and the interface's key tags.</summary>
    public GrainTelemetry For(string key) => new(GrainTypeName, Attributes(key));

    private KeyValuePair<string, object?>[] Attributes(string key)
    {
        var tags = new KeyValuePair<string, object?>[2 + _keyTags.Length];
        tags[0] = new("grain.type", GrainTypeName);
        tags[1] = new("grain.key", key);
        for (var i = 0; i < _keyTags.Length; i++)
        {
            tags[2 + i] = new(_keyTags[i].Name, _keyTags[i].Prefix + key);
        }

        return tags;
    }
}

/// <summary>One grain's span-name prefix and attributes, worked out once per reference (references are cached).</summary>
internal sealed record GrainTelemetry(string GrainTypeName, KeyValuePair<string, object?>[] Attributes);
