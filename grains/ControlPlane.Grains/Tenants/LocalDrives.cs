using System.Collections.Concurrent;

namespace ControlPlane.Grains.Tenants;

/// <summary>The tenants whose drive loop is running or waiting for a work connection in this silo, so the sweeper does not queue duplicates.</summary>
public sealed class LocalDrives
{
    private readonly ConcurrentDictionary<string, byte> _slugs = new(StringComparer.Ordinal);

    public int Count => _slugs.Count;

    public bool Contains(string slug) => _slugs.ContainsKey(slug);

    public bool TryEnter(string slug) => _slugs.TryAdd(slug, 0);

    public void Exit(string slug) => _slugs.TryRemove(slug, out _);
}
