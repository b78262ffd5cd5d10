using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Cli;

/// <summary><c>controlplane tenants clone|import|adopt</c> run in-process against a real silo and database.</summary>
public sealed class TenantCopyCommandsShould(CliSiloFixture fixture) : IClassFixture<CliSiloFixture>
{
    private readonly InProcessCli _cli = new(fixture.Silo);

    [Fact]
    public async Task Clone_a_tenant_and_follow_it_until_Active()
    {
        var source = TestSlugs.New("clisrc");
        await fixture.Client.OnboardAsync(source);
        var clone = TestSlugs.New("clicopy");

        var result = await _cli.RunAsync("tenants", "clone", source, clone, "--display-name", "CLI sandbox", "--wait", "--timeout", "60");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"Tenant {clone} is Active (version 4).", result.Out);
        Assert.Contains($"cloned from tenant {source}", result.PlainOut);
        Assert.Equal(await TenantSchemas.ChecksumsAsync(fixture.Database, $"tenant_{source}"), await TenantSchemas.ChecksumsAsync(fixture.Database, $"tenant_{clone}"));
    }

    [Fact]
    public async Task Import_a_schema_that_matches_the_model()
    {
        var schema = TestSlugs.New("cliimp");
        await TenantSchemas.CreateFromModelAsync(fixture.Database, schema, upTo: 3,
            then: "ALTER TABLE components ADD COLUMN owner text; " + TenantSchemas.SampleRows(schema, seeded: false));
        var slug = TestSlugs.New("cliimported");

        var result = await _cli.RunAsync("tenants", "import", slug, "--schema", schema, "--wait", "--timeout", "60");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(TenantStatus.Active, (await fixture.Client.GetAsync(slug))!.State);
        Assert.Equal(35L, await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM tenant_{slug}.users"));
    }

    [Fact]
    public async Task Refuse_to_adopt_a_schema_that_differs_and_print_the_differences()
    {
        var schema = TestSlugs.New("cliodd");
        await TenantSchemas.CreateFromModelAsync(fixture.Database, schema, upTo: 3, then: "ALTER TABLE users DROP COLUMN role;");
        var slug = TestSlugs.New("clinotadopted");

        var result = await _cli.RunAsync("tenants", "adopt", slug, "--schema", schema, "--baseline-version", "3");

        Assert.True(result.ExitCode == 6, result.ToString());
        Assert.Contains("column users.role (text) is missing", result.ToString());
        Assert.Null(await fixture.Client.GetAsync(slug));
    }
}
