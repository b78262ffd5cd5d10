namespace ControlPlane.Tests.Harness;

/// <summary>A database and one silo on it, shared by the tests of one class (each test uses its own tenants).</summary>
public class SiloFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;

    public SiloFactory Silo { get; private set; } = null!;

    public TenantsClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Silo = CreateSilo();
        Client = Silo.CreateAdminClient();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Silo.DisposeAsync();
        await Database.DisposeAsync();
    }

    protected virtual SiloFactory CreateSilo() => new(Database.ConnectionString);
}
