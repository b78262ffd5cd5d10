namespace ControlPlane.Runtime.Tests;

public sealed class GrainTurnsShould
{
    [Fact]
    public async Task RunOneTurnAtATimeSoReadModifyWriteNeverLosesAnUpdate()
    {
        await using var fixture = new RuntimeFixture();
        var grain = fixture.Grain("serial");

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => grain.IncrementAsync(TimeSpan.FromMilliseconds(2))));

        Assert.Equal(Enumerable.Range(1, 20), results.Order());
        Assert.Equal(1, fixture.Probe.MaxConcurrency);
    }

    [Fact]
    public async Task RunDifferentGrainsInParallel()
    {
        await using var fixture = new RuntimeFixture();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => fixture.Grain($"p{i}").IncrementAsync(TimeSpan.FromMilliseconds(200))));

        Assert.Equal(8, fixture.Runtime.ActivationCount);
    }

    [Fact]
    public async Task LetAlwaysInterleaveMethodsRunDuringATurn()
    {
        await using var fixture = new RuntimeFixture();
        var grain = fixture.Grain("interleave");
        var blocked = grain.IncrementAsync(TimeSpan.FromMilliseconds(300));
        await WaitFor.ConditionAsync(() => fixture.Probe.MaxConcurrency == 1, "the first turn to start", () => "no turn running");

        var concurrentTurns = await grain.PeekConcurrencyAsync(TimeSpan.Zero);

        Assert.Equal(1, concurrentTurns);
        Assert.False(blocked.IsCompleted);
        Assert.Equal(1, await blocked);
    }

    [Fact]
    public async Task RefuseACallWithMailboxFullWhenTheMailboxIsAtCapacity()
    {
        await using var fixture = new RuntimeFixture(mailboxCapacity: 3);
        var grain = fixture.Grain("full");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = grain.WaitAsync(gate, CancellationToken.None);
        await WaitFor.ConditionAsync(() => fixture.Runtime.QueuedCalls == 0 && fixture.Runtime.ActivationCount == 1, "the first call to start", () => "queued");
        await Task.Delay(20);
        var queued = Enumerable.Range(0, 3).Select(_ => grain.WaitAsync(gate, CancellationToken.None)).ToArray();

        var error = await Assert.ThrowsAsync<MailboxFullException>(() => grain.WaitAsync(gate, CancellationToken.None));
        gate.SetResult();

        Assert.Equal(3, error.Capacity);
        Assert.Equal([1, 2, 3, 4], (await Task.WhenAll(queued.Prepend(running))).Order());
    }

    [Fact]
    public async Task PropagateAGrainExceptionToTheCallerAndKeepServing()
    {
        await using var fixture = new RuntimeFixture();
        var grain = fixture.Grain("thrower");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.FailAsync("bad state for thrower"));
        var next = await grain.IncrementAsync(TimeSpan.Zero);

        Assert.Equal("bad state for thrower", error.Message);
        Assert.Equal(1, next);
    }

    [Fact]
    public async Task SkipAQueuedTurnWhoseCallerCancelledBeforeItStarted()
    {
        await using var fixture = new RuntimeFixture();
        var grain = fixture.Grain("cancel");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = grain.WaitAsync(gate, CancellationToken.None);
        using var cancellation = new CancellationTokenSource();
        var second = grain.WaitAsync(gate, cancellation.Token);

        await cancellation.CancelAsync();
        gate.SetResult();

        Assert.Equal(1, await first);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
        Assert.Equal(2, await grain.WaitAsync(gate, CancellationToken.None));
    }
}
