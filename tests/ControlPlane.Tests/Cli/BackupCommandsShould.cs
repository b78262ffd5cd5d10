using System.Text.Json;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Cli;

/// <summary><c>controlplane tenants backup|backups|restore</c> run in-process against a real silo and database.</summary>
public sealed class BackupCommandsShould(CliSiloFixture fixture) : IClassFixture<CliSiloFixture>
{
    private readonly InProcessCli _cli = new(fixture.Silo);

    [Fact]
    public async Task Back_up_list_and_restore_a_tenant_and_name_the_refusal_of_an_unknown_backup()
    {
        var slug = TestSlugs.New("clibk");
        await fixture.Client.OnboardAsync(slug);

        var backup = await _cli.RunAsync("tenants", "backup", slug, "--json");
        Assert.True(backup.ExitCode == 0, backup.ToString());
        using var json = JsonDocument.Parse(backup.Out);
        var id = json.RootElement.GetProperty("id").GetString()!;
        Assert.Equal("Completed", json.RootElement.GetProperty("state").GetString());

        var list = await _cli.RunAsync("tenants", "backups", slug);
        var restore = await _cli.RunAsync("tenants", "restore", slug, "--backup", id, "--yes");
        var unknown = await _cli.RunAsync("tenants", "restore", slug, "--backup", "bk_nope", "--yes");

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(id, list.Out);
        Assert.Contains("1 backup(s)", list.Out);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Contains($"restored from {id}: version 4", restore.Out);
        Assert.Contains("The replaced data is backup bk_", restore.Out);
        Assert.True(unknown.ExitCode == 5, unknown.ToString());
        Assert.Contains("has no backup 'bk_nope'", unknown.Error);
    }
}
