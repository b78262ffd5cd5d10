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

    /// <summary>
    /// Starts <paramref name="drive"/> under <paramref name="key"/> unless one is already queued or running (it reads the
    /// registry afresh when it runs, so one is enough). Never awaited: a grain starting its own drive would wait on its
    /// own turn. The drive exits the key itself when it ends; if the call fails instead, the key is freed here and the
    /// failure reported.
    /// </summary>
    public bool TryStart(string key, Func<Task> drive, Action<Exception> failed)
    {
        if (!TryEnter(key))
        {
            return false;
        }

        drive().ContinueWith(
            task =>
            {
                Exit(key);
                failed(task.Exception!.GetBaseException());
            },
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return true;
    }
}
