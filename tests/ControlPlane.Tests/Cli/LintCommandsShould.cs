using ControlPlane.Tests.Rollouts;

namespace ControlPlane.Tests.Cli;

/// <summary>The lint through the CLI: findings in <c>migrations list</c>, a refused <c>rollout start</c>, and <c>--accept-lint</c>.</summary>
public sealed class LintCommandsShould
{
    [Fact]
    public async Task List_findings_refuse_a_start_with_them_and_start_when_they_are_accepted()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        await fixture.OnboardAsync("clilint", 2);
        fixture.Migrations.Write("V0004__drop_owner.sql", "ALTER TABLE components ADD COLUMN owner text;\nALTER TABLE components DROP COLUMN repository_url;\n");
        var cli = new InProcessCli(fixture.Silo);

        var catalogue = await cli.RunAsync("migrations", "list");
        var refused = await cli.RunAsync("rollout", "start", "--yes");
        var accepted = await cli.RunAsync("rollout", "start", "--yes", "--accept-lint", "drop-column,rename-column", "--watch", "--timeout", "120");

        Assert.True(catalogue.ExitCode == 0, catalogue.ToString());
        Assert.Matches(@"\n\s+4\s+drop owner\s+yes\s+0\s+\w+\s+1 error\(s\)", catalogue.Out);
        Assert.Contains("V0004__drop_owner.sql:2 error drop-column: Dropping column components.repository_url", catalogue.Out);
        Assert.True(refused.ExitCode == 6, refused.ToString());
        Assert.Contains("V0004__drop_owner.sql:2 error drop-column", refused.Error);
        Assert.Contains("fix: Release an application version that no longer uses repository_url", refused.Error);
        Assert.Contains("--accept-lint", refused.Error);
        Assert.True(accepted.ExitCode == 0, accepted.ToString());
        Assert.Contains("to version 4 Completed", accepted.Out);
    }
}
