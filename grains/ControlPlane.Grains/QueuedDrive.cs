namespace ControlPlane.Grains;

/// <summary>
/// At most one drive turn queued for a grain: the tenant and rollout grains wake their own one-way drive through it,
/// however many wake-ups arrive (a queued drive re-reads the registry when it runs, so one is enough). Used only on
/// the activation's own thread, so it needs no lock.
/// </summary>
internal sealed class QueuedDrive
{
    /// <summary>A drive call is on its way and has not started yet.</summary>
    public bool Queued { get; private set; }

    /// <summary>Sends <paramref name="drive"/> unless one is queued; never awaited (that would wait on the current turn).</summary>
    public void Request(Func<Task> drive, Action<Exception> failed)
    {
        if (Queued)
        {
            return;
        }

        Queued = true;
        drive().ContinueWith(
            task =>
            {
                Queued = false;
                failed(task.Exception!.GetBaseException());
            },
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted,
            TaskScheduler.Current);
    }

    /// <summary>Called first thing by the drive turn: wake-ups from now on queue the next one.</summary>
    public void Started() => Queued = false;
}
