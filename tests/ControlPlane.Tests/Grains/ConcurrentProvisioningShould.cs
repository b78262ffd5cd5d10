using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;
using Npgsql;

namespace ControlPlane.Tests.Grains;

public sealed class ConcurrentProvisioningShould : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public Task DisposeAsync() => _database.DisposeAsync().AsTask();

    [Fact]
    public async Task ProvisionWhileAnotherTransactionHoldsTheDatabasesCatalogueRow()
    {
        // Per-tenant DDL must touch only per-tenant catalogue rows. A shared row, such as the database's ACL that
        // GRANT CONNECT ON DATABASE rewrites, makes parallel provisioning transactions wait on each other and then
        // fail with "tuple concurrently updated". Hold that row open and provisioning must still finish.
        await using var silo = new SiloFactory(_database.ConnectionString, new Dictionary<string, string?> { ["ControlPlane:Provisioning:MaxAttempts"] = "1" });
        using var client = silo.CreateAdminClient();
        var outsider = TestSlugs.New("outsider");
        await _database.ExecuteAsync($"CREATE ROLE {outsider}");
        await using var holder = new NpgsqlConnection(_database.ConnectionString);
        await holder.OpenAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        await using (var grant = new NpgsqlCommand($"GRANT CONNECT ON DATABASE {_database.Name} TO {outsider}", holder, transaction))
        {
            await grant.ExecuteNonQueryAsync();
        }

        var slugs = Enumerable.Range(0, 4).Select(_ => TestSlugs.New("par")).ToArray();
        var active = await Task.WhenAll(slugs.Select(s => client.OnboardAsync(s, timeout: TimeSpan.FromSeconds(8))));
        await transaction.CommitAsync();

        Assert.All(active, t => Assert.Equal(TenantStatus.Active, t.State));
        await _database.ExecuteAsync($"DROP OWNED BY {outsider}; DROP ROLE {outsider}");
    }
}
