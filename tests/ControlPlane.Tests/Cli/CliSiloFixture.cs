using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Cli;

/// <summary>
/// A silo whose newest migration (V0004) fails for tenants whose slug starts with <see cref="DoomedPrefix"/>, so a
/// test can make provisioning fail for good on purpose while every other tenant becomes Active.
/// </summary>
public sealed class CliSiloFixture : SiloFixture, IAsyncLifetime
{
    public const string DoomedPrefix = "doomed";

    private readonly MigrationFolder _migrations = new();

    Task IAsyncLifetime.InitializeAsync() => InitializeAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        _migrations.Dispose();
    }

    protected override SiloFactory CreateSilo()
    {
        _migrations.Write("V0004__component_owner.sql", $"""
            DO $$ BEGIN
              IF current_schema() LIKE 'tenant\_{DoomedPrefix}%' THEN RAISE EXCEPTION '{DoomedPrefix} tenants cannot take V0004'; END IF;
            END $$;
            ALTER TABLE components ADD COLUMN owner text;
            """);
        return new SiloFactory(Database.ConnectionString, new Dictionary<string, string?> { [_migrations.Setting.Key] = _migrations.Setting.Value });
    }
}
