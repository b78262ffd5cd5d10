namespace ControlPlane.Tests.Harness;

/// <summary>
/// Three silos in the test process on one database, as Orleans' TestCluster: each is an Orleans silo with its own ports, pools and
/// membership row, and they share nothing but PostgreSQL. Each test uses its own tenants.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const int Size = 3;

    public TestDatabase Database { get; private set; } = null!;

    public MigrationFolder Migrations { get; } = new();

    public IReadOnlyList<SiloFactory> Silos { get; private set; } = [];

    public IReadOnlyList<TenantsClient> Clients { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Silos = [.. Enumerable.Range(0, Size).Select(i => NewSilo($"cluster-{(char)('a' + i)}"))];
        Clients = [.. Silos.Select(s => s.CreateAdminClient())];
    }

    /// <summary>Another silo on the same database (the caller disposes it).</summary>
    public SiloFactory NewSilo(string name) => new(Database.ConnectionString, new Dictionary<string, string?>
    {
        ["Orleans:SiloName"] = name,
        [Migrations.Setting.Key] = Migrations.Path,
    });

    public async Task DisposeAsync()
    {
        foreach (var client in Clients)
        {
            client.Dispose();
        }

        foreach (var silo in Silos)
        {
            await silo.DisposeAsync();
        }

        await Database.DisposeAsync();
        Migrations.Dispose();
    }
}
