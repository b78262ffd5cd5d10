using ControlPlane.Tests.Harness;
using ControlPlane.Tests.Pooled;

namespace ControlPlane.Tests.Cli;

/// <summary><c>controlplane tenants move</c> run in-process against a real silo (its catalogue is a version ahead of the pooled one).</summary>
public sealed class TenantMoveCommandsShould(CliSiloFixture fixture) : IClassFixture<CliSiloFixture>
{
    private readonly InProcessCli _cli = new(fixture.Silo);

    [Fact]
    public async Task Start_a_move_say_where_it_goes_and_refuse_one_the_versions_do_not_allow_with_the_conflict_exit_code()
    {
        var (pooled, own) = (TestSlugs.New("climv"), TestSlugs.New("climv_own"));
        await Task.WhenAll(fixture.Client.OnboardPooledAsync(pooled), fixture.Client.OnboardAsync(own));

        var moving = await _cli.RunAsync("tenants", "move", pooled, "--tier", "schema");
        var moved = await TenantMoves.WaitForEndAsync(fixture.Client, pooled, "schema");
        var again = await _cli.RunAsync("tenants", "move", pooled, "--tier", "schema");
        var refused = await _cli.RunAsync("tenants", "move", own, "--tier", "pooled");
        var badTier = await _cli.RunAsync("tenants", "move", own, "--tier", "shared");

        Assert.True(moving.ExitCode == 0, moving.ToString());
        Assert.Contains($"Tenant {pooled} is moving to the schema tier (Preparing).", moving.Out);
        Assert.Equal($"tenant_{pooled}", moved.Schema);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains($"Tenant {pooled} is in the schema tier already.", again.Out);
        Assert.True(refused.ExitCode == 6, refused.ToString());
        Assert.Contains("at version 3", refused.Error);
        Assert.True(badTier.ExitCode == 2, badTier.ToString());
        Assert.Equal("schema", (await fixture.Client.GetAsync(own))!.Tier);
    }
}
