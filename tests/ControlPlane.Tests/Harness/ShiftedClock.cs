namespace ControlPlane.Tests.Harness;

/// <summary>
/// The silo's wall clock moved by <see cref="Offset"/> (timers and elapsed time stay real), so a test can stand a
/// few seconds before a maintenance window's opening: windows are minutes apart, a test's patience is seconds.
/// Set it before the moment it matters, and move it only forward.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    /// <summary>Shifts the clock so that it reads <paramref name="lead"/> before the next minute boundary at least <paramref name="lead"/> away; returns that boundary.</summary>
    public DateTimeOffset StandBeforeAMinute(TimeSpan lead)
    {
        var real = System.GetUtcNow();
        var shifted = real + Offset + lead;
        var boundary = new DateTimeOffset(shifted.Ticks - (shifted.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero).AddMinutes(1);
        Offset = boundary - lead - real;
        return boundary;
    }

    /// <summary>Where the real clock stands when this one reads <paramref name="shifted"/>.</summary>
    public DateTimeOffset Real(DateTimeOffset shifted) => shifted - Offset;
}
