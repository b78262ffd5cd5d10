using System.Net;
using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Tests.Pooled;

/// <summary>A tenant's callers while its rows are copied to the other tier: writes held with 503, reads served.</summary>
public sealed class TenantMoveWritesShould : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public Task DisposeAsync() => _database.DisposeAsync().AsTask();

    [Fact]
    public async Task Hold_writes_with_503_and_Retry_After_while_the_rows_are_copied_and_keep_serving_reads()
    {
        var slug = TestSlugs.New("mv_hold");
        var gate = new StepGate(slug, WorkUnit.MoveCopy, crash: false);
        await using var silo = new SiloFactory(_database.ConnectionString, services: s => s.AddSingleton<ITenantWorkObserver>(gate));
        using var client = silo.CreateAdminClient();
        await client.OnboardPooledAsync(slug);
        using var http = TenantTokens.ClientFor(silo, slug);

        using var asked = await TenantMoves.AskAsync(client, slug, "schema");
        await gate.Reached.WaitAsync(TimeSpan.FromSeconds(30));
        var copying = await client.GetAsync(slug);
        using var insert = await http.PostAsJsonAsync("/v1/me/components", new { name = "during the copy" });
        var held = await Problem.ReadAsync(insert);
        using var read = await http.GetAsync("/v1/me/environments");
        gate.Release();
        await TenantMoves.WaitForEndAsync(client, slug, "schema");
        using var after = await http.PostAsJsonAsync("/v1/me/components", new { name = "after the copy" });

        Assert.Equal(TenantMovePhase.Copying, copying!.Move?.Phase);
        Assert.Equal("pooled", copying.Tier);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, insert.StatusCode);
        Assert.NotNull(insert.Headers.RetryAfter);
        Assert.Equal("Writes held", held.Title);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(3, (await read.Content.ReadFromJsonAsync<TenantRowListResponse>(TenantsClient.Json))!.Items.Count);
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
        Assert.Equal(["after the copy"], await _database.QueryAsync<string>($"SELECT name FROM \"tenant_{slug}\".components"));
    }
}
