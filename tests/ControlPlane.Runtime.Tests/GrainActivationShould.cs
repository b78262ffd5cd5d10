namespace ControlPlane.Runtime.Tests;

public sealed class GrainActivationShould
{
    [Fact]
    public async Task ActivateOnFirstCallAndReuseTheActivationForTheSameKey()
    {
        await using var fixture = new RuntimeFixture();

        var first = await fixture.Grain("a").GetInstanceIdAsync();
        var second = await fixture.Grain("a").GetInstanceIdAsync();
        var other = await fixture.Grain("b").GetInstanceIdAsync();

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        Assert.Equal(["activate:a", "activate:b"], fixture.Probe.Events);
        Assert.Equal(2, fixture.Runtime.ActivationCount);
    }

    [Fact]
    public async Task RouteEveryReferenceToItsOwnKeysActivationWhetherNewOrReused()
    {
        await using var fixture = new RuntimeFixture();
        var keys = Enumerable.Range(0, 50).Select(i => $"k{i}").ToArray();

        // The first reference is made by DispatchProxy, later ones by the runtime's compiled constructor, and a key
        // asked for again gets the reference already made: all must reach the activation of their own key.
        var firstIds = await Task.WhenAll(keys.Select(k => fixture.Grain(k).GetInstanceIdAsync()));
        var againIds = await Task.WhenAll(keys.Select(k => fixture.Grain(k).GetInstanceIdAsync()));

        Assert.Equal(firstIds, againIds);
        Assert.Equal(keys.Length, firstIds.Distinct().Count());
        Assert.Equal(keys.Select(k => $"activate:{k}").Order(), fixture.Probe.Events.Order());
    }

    [Fact]
    public async Task FailTheCallsAndRetryActivationWhenOnActivateThrows()
    {
        await using var fixture = new RuntimeFixture();
        fixture.Probe.FailActivationFor.Add("broken");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Grain("broken").GetInstanceIdAsync());
        fixture.Probe.FailActivationFor.Clear();
        var retried = await fixture.Grain("broken").GetInstanceIdAsync();

        Assert.Equal("activation of broken refused", error.Message);
        Assert.NotEmpty(retried);
        Assert.Equal(["activate:broken"], fixture.Probe.Events);
    }

    [Fact]
    public async Task DeactivateAnIdleActivationAndReactivateAFreshOneOnTheNextCall()
    {
        await using var fixture = new RuntimeFixture(idleTimeout: TimeSpan.FromMilliseconds(50));
        var before = await fixture.Grain("idle").GetInstanceIdAsync();
        await Task.Delay(80);

        var collected = fixture.Runtime.CollectIdleActivations();
        await WaitFor.ConditionAsync(
            () => fixture.Runtime.ActivationCount == 0,
            "the idle activation of grain 'idle' to leave the directory",
            () => $"{fixture.Runtime.ActivationCount} activations, events [{string.Join(", ", fixture.Probe.Events)}]");
        var after = await fixture.Grain("idle").GetInstanceIdAsync();

        Assert.Equal(1, collected);
        Assert.NotEqual(before, after);
        Assert.Equal(["activate:idle", "deactivate:idle:IdleTimeout", "activate:idle"], fixture.Probe.Events);
    }

    [Fact]
    public async Task KeepABusyActivationAliveWhenCollecting()
    {
        await using var fixture = new RuntimeFixture(idleTimeout: TimeSpan.FromMilliseconds(1));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = fixture.Grain("busy").WaitAsync(gate, CancellationToken.None);
        await WaitFor.ConditionAsync(() => fixture.Runtime.ActivationCount == 1, "grain 'busy' to activate", () => "no activation");
        await Task.Delay(20);

        var collected = fixture.Runtime.CollectIdleActivations();
        gate.SetResult();

        Assert.Equal(0, collected);
        Assert.Equal(1, await running);
    }

    [Fact]
    public async Task DeactivateAfterTheCurrentTurnWhenTheGrainAsksForIt()
    {
        await using var fixture = new RuntimeFixture();
        var before = await fixture.Grain("self").GetInstanceIdAsync();

        await fixture.Grain("self").RequestDeactivationAsync();
        await WaitFor.ConditionAsync(
            () => fixture.Probe.Events.Contains("deactivate:self:ApplicationRequested"),
            "grain 'self' to deactivate on request",
            () => string.Join(", ", fixture.Probe.Events));
        var after = await fixture.Grain("self").GetInstanceIdAsync();

        Assert.NotEqual(before, after);
    }

    [Fact]
    public async Task DeactivateEveryActivationAndRefuseNewCallsOnStop()
    {
        var fixture = new RuntimeFixture();
        await fixture.Grain("x").GetInstanceIdAsync();
        await fixture.Grain("y").GetInstanceIdAsync();

        await fixture.Runtime.StopAsync();

        Assert.Contains("deactivate:x:ShuttingDown", fixture.Probe.Events);
        Assert.Contains("deactivate:y:ShuttingDown", fixture.Probe.Events);
        await Assert.ThrowsAsync<SiloUnavailableException>(() => fixture.Grain("x").GetInstanceIdAsync());
        await fixture.DisposeAsync();
    }
}
