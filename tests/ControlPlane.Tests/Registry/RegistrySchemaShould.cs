using ControlPlane.Grains.Registry;
using ControlPlane.Tests.Harness;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ControlPlane.Tests.Registry;

public sealed class RegistrySchemaShould : IAsyncLifetime
{
    private readonly RegistrySchema _schema = new(NullLogger<RegistrySchema>.Instance);
    private TestDatabase _database = null!;
    private NpgsqlDataSource _dataSource = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _dataSource = NpgsqlDataSource.Create(_database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task CreateTheRegistryOnceAndChangeNothingWhenRunAgain()
    {
        var first = await _schema.UpgradeAsync(_dataSource, CancellationToken.None);
        var second = await _schema.UpgradeAsync(_dataSource, CancellationToken.None);

        Assert.Equal(RegistrySchema.Upgrades.Count, first);
        Assert.Equal(0, second);
        Assert.Equal(RegistrySchema.CurrentVersion, await _database.ScalarAsync<int>("SELECT max(version) FROM controlplane.schema_version"));
        Assert.Equal(RegistrySchema.Upgrades.Count, await _database.ScalarAsync<long>("SELECT count(*) FROM controlplane.schema_version"));
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
    }

    [Fact]
    public async Task ApplyEachUpgradeOnceWhenSilosStartTogether()
    {
        var applied = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => _schema.UpgradeAsync(_dataSource, CancellationToken.None)));

        Assert.Equal(RegistrySchema.Upgrades.Count, applied.Sum());
        Assert.Equal(RegistrySchema.Upgrades.Count, await _database.ScalarAsync<long>("SELECT count(*) FROM controlplane.schema_version"));
    }

    [Fact]
    public async Task RefuseARegistryNewerThanThisBuild()
    {
        await _schema.UpgradeAsync(_dataSource, CancellationToken.None);
        await _database.ExecuteAsync("INSERT INTO controlplane.schema_version (version, description) VALUES (9999, 'from the future')");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _schema.UpgradeAsync(_dataSource, CancellationToken.None));

        Assert.Contains("version 9999", error.Message);
    }

    [Fact]
    public async Task LetARolloutUpdateATenantRowWithoutTouchingItsIndexes()
    {
        // A rollout updates thousands of rows in a row; an index on a column it changes (the version above all) would
        // make every one of those updates a new tuple plus an entry in each of the table's indexes.
        await _schema.UpgradeAsync(_dataSource, CancellationToken.None);
        await _database.ExecuteAsync(
            "INSERT INTO controlplane.tenants (slug, display_name, schema_name, role_name, state, migration_version, activated_at) VALUES ('hot_one', 'Hot One', 'tenant_hot_one', 'tenant_hot_one', 'Active', 1, clock_timestamp())");

        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var update = new NpgsqlCommand(
            """
            UPDATE controlplane.tenants SET migration_version = 2, etag = etag + 1, updated_at = clock_timestamp(),
                   lease_owner = 'silo-a', lease_token = lease_token + 1, attempts = 0, failed_step = NULL, last_error = NULL,
                   activated_at = coalesce(activated_at, clock_timestamp())
             WHERE slug = 'hot_one'
            """, connection, transaction);
        Assert.Equal(1, await update.ExecuteNonQueryAsync());
        await using var hot = new NpgsqlCommand("SELECT pg_stat_get_xact_tuples_hot_updated('controlplane.tenants'::regclass)", connection, transaction);

        Assert.Equal(1L, (long)(await hot.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task KeepTheRegistryUnreadableForOtherRoles()
    {
        await _schema.UpgradeAsync(_dataSource, CancellationToken.None);
        var role = TestSlugs.New("outsider");
        await _database.ExecuteAsync($"CREATE ROLE {role}");
        try
        {
            Assert.False(await _database.ScalarAsync<bool>("SELECT has_schema_privilege($1, 'controlplane', 'USAGE')", role));
        }
        finally
        {
            await _database.ExecuteAsync($"DROP ROLE {role}");
        }
    }
}
