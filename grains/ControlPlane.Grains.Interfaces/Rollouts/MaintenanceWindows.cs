namespace ControlPlane.Grains.Rollouts;

/// <summary>
/// A rollout's windows together: it may dispatch while any one is open. Overlapping or back-to-back windows count as
/// one stretch, so a rollout does not stop at a closing that another window covers.
/// </summary>
public static class MaintenanceWindows
{
    /// <summary>A handful: each is a weekly pattern, so more would be a schedule, not windows.</summary>
    public const int Max = 8;

    public static bool IsOpen(this IReadOnlyList<MaintenanceWindow> windows, DateTimeOffset at) => windows.Any(w => w.IsOpen(at));

    /// <summary>When the stretch of open windows holding <paramref name="at"/> ends; null when all are closed then.</summary>
    public static DateTimeOffset? CurrentClosing(this IReadOnlyList<MaintenanceWindow> windows, DateTimeOffset at)
    {
        DateTimeOffset? closing = null;
        var probe = at;

        // Each step moves to a later closing; a week of back-to-back windows is the most there can be.
        for (var step = 0; step < 7 * Max + 1; step++)
        {
            var next = windows.Select(w => w.CurrentClosing(probe)).Max();
            if (next is null)
            {
                break;
            }

            closing = probe = next.Value;
        }

        return closing;
    }

    /// <summary>The first opening of any window at or after <paramref name="after"/>.</summary>
    public static DateTimeOffset NextOpening(this IReadOnlyList<MaintenanceWindow> windows, DateTimeOffset after) =>
        windows.Min(w => w.NextOpening(after));

    /// <summary>When a rollout allowed from <paramref name="from"/> may next dispatch: then, if a window is open, or at the next opening.</summary>
    public static DateTimeOffset NextRun(this IReadOnlyList<MaintenanceWindow> windows, DateTimeOffset from) =>
        windows.IsOpen(from) ? from : windows.NextOpening(from);
}
