using System.Globalization;

namespace ControlPlane.Benchmarks;

/// <summary>
/// The private memory of the benchmark server's client backends (RssAnon in /proc/pid/status: what a backend
/// allocated for itself, its catalogue caches among it; shared buffers are not counted), and how many there are.
/// A backend caches the metadata of every schema it touches and never evicts it, so this is the figure that grows
/// with tenants when connections are not recycled.
/// </summary>
internal static class BackendMemory
{
    /// <summary>Client backends of <paramref name="postmaster"/> (its children minus auxiliaries) and their private memory.</summary>
    public static (int Backends, long Bytes)? Read(int? postmaster)
    {
        if (postmaster is not int root)
        {
            return null;
        }

        var count = 0;
        long bytes = 0;
        var parent = root.ToString(CultureInfo.InvariantCulture);
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == root)
            {
                continue;
            }

            try
            {
                var status = File.ReadAllLines(Path.Combine(directory, "status"));
                if (Field(status, "PPid") != parent)
                {
                    continue;
                }

                // Auxiliary processes (checkpointer, walwriter, ...) are named for their role; client backends are "postgres".
                var cmdline = File.ReadAllText(Path.Combine(directory, "cmdline"));
                if (!IsClientBackend(cmdline))
                {
                    continue;
                }

                count++;
                bytes += long.Parse(Field(status, "RssAnon")?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0] ?? "0", CultureInfo.InvariantCulture) * 1024;
            }
            catch (IOException)
            {
                // The process ended while being read.
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
        }

        return (count, bytes);
    }

    private static bool IsClientBackend(string cmdline)
    {
        // A backend's title is "postgres: user database host(port) state".
        var title = cmdline.TrimEnd('\0');
        return title.StartsWith("postgres: ", StringComparison.Ordinal) && title.Contains('(', StringComparison.Ordinal)
            && !title.Contains("autovacuum", StringComparison.Ordinal) && !title.Contains("logical replication", StringComparison.Ordinal);
    }

    private static string? Field(string[] status, string name) =>
        status.FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal))?[(name.Length + 1)..].Trim();
}

/// <summary>Samples <see cref="BackendMemory"/> every 200 ms until disposed and keeps the peak (by bytes).</summary>
internal sealed class BackendMemoryPeak : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    public BackendMemoryPeak(int? postmaster)
    {
        _sampling = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                if (BackendMemory.Read(postmaster) is { } now)
                {
                    Backends = Math.Max(Backends, now.Backends);
                    Bytes = Math.Max(Bytes, now.Bytes);
                }

                try
                {
                    await Task.Delay(200, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });
    }

    /// <summary>The most client backends seen at once.</summary>
    public int Backends { get; private set; }

    /// <summary>The most private memory the client backends held at once.</summary>
    public long Bytes { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }
}
