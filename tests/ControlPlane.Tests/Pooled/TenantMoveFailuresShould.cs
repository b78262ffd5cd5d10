using System.Net;
using System.Net.Http.Json;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Tests.Pooled;

/// <summary>A move whose verification fails is called off: the tenant stays, intact and serving, where it was.</summary>
public sealed class TenantMoveFailuresShould : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public Task DisposeAsync() => _database.DisposeAsync().AsTask();

    [Fact]
    public async Task Call_off_a_move_whose_copy_does_not_verify_leaving_the_tenant_serving_in_its_source_and_let_it_be_asked_again()
    {
        var slug = TestSlugs.New("mv_bad");
        var gate = new StepGate(slug, WorkUnit.MoveCopy, crash: false);
        await using var silo = new SiloFactory(_database.ConnectionString, services: s => s.AddSingleton<ITenantWorkObserver>(gate));
        using var client = silo.CreateAdminClient();
        var pooled = TestPooledSchema.For(_database.ConnectionString);
        await client.OnboardPooledAsync(slug);
        using var http = TenantTokens.ClientFor(silo, slug);
        var before = await TenantMoves.AnswersAsync(http);

        // The prepared target changes every team it is given, as a faulty copy would: the checksums cannot agree.
        using (await TenantMoves.AskAsync(client, slug, "schema"))
        {
        }

        await gate.Reached.WaitAsync(TimeSpan.FromSeconds(30));
        await _database.ExecuteAsync($"""
            CREATE FUNCTION "tenant_{slug}".garble() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.name := NEW.name || '?'; RETURN NEW; END $$;
            CREATE TRIGGER garble BEFORE INSERT ON "tenant_{slug}".teams FOR EACH ROW EXECUTE FUNCTION "tenant_{slug}".garble();
            """);
        gate.Release();
        var failed = await client.WaitForStateAsync(slug, TenantStatus.Active, TimeSpan.FromSeconds(30), t => t.Move is null && t.LastError is not null);
        var after = await TenantMoves.AnswersAsync(http);
        using var write = await http.PostAsJsonAsync("/v1/me/components", new { name = "after the failed move" });
        var copiedRows = await _database.ScalarAsync<long>($"SELECT count(*) FROM \"tenant_{slug}\".teams");
        using var again = await TenantMoves.AskAsync(client, slug, "schema");
        var moved = await TenantMoves.WaitForEndAsync(client, slug, "schema");

        Assert.Equal("pooled", failed.Tier);
        Assert.Equal(ProvisioningStep.Move, failed.FailedStep);
        Assert.Contains("Verification of teams failed", failed.LastError, StringComparison.Ordinal);
        Assert.Equal(before, after);
        Assert.Equal(HttpStatusCode.Created, write.StatusCode);
        Assert.Equal(0, copiedRows);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Null(moved.LastError);
        Assert.Equal(0, await TenantMoves.PooledRowsLeftAsync(_database, pooled, slug));
        Assert.Equal(["after the failed move"], await _database.QueryAsync<string>($"SELECT name FROM \"tenant_{slug}\".components"));
        Assert.Equal(0, await _database.ScalarAsync<long>($"SELECT count(*) FROM \"tenant_{slug}\".teams WHERE name LIKE '%?'"));
    }
}
