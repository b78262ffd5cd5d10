using System.Net;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Grains;

/// <summary>Each test runs its own silo on its own database, with a migrations folder it can break and mend.</summary>
public sealed class ProvisioningFailureShould : IAsyncLifetime
{
    private readonly MigrationFolder _migrations = new();
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        _migrations.Dispose();
    }

    [Fact]
    public async Task StopInFailedWithStepErrorAndAttemptsThenSucceedOnManualRetryWithoutReapplying()
    {
        _migrations.Write("V0004__broken.sql", "CREATE TABLE broken (id int");
        await using var silo = Silo(("ControlPlane:Provisioning:MaxAttempts", "2"));
        using var client = silo.CreateAdminClient();
        var slug = TestSlugs.New("broken");

        using var created = await client.CreateAsync(slug, "Broken Ltd");
        var failed = await client.WaitForStateAsync(slug, TenantStatus.Failed, also: t => t.Attempts == 2 && t.NextRetryAt is null);
        var firstApplied = await AppliedAtAsync(slug);
        _migrations.Write("V0004__broken.sql", "CREATE TABLE broken (id int);");
        using var retry = await client.PostActionAsync(slug, "retry");
        var active = await client.WaitForStateAsync(slug, TenantStatus.Active);

        Assert.Equal(ProvisioningStep.Migrate, failed.FailedStep);
        Assert.Contains("V0004__broken.sql", failed.LastError);
        Assert.Contains("42601", failed.LastError);
        Assert.Equal(3, failed.MigrationVersion);
        Assert.Equal(2, failed.Timeline.Count(e => e.To == TenantStatus.Failed));
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal(4, active.MigrationVersion);
        Assert.Null(active.LastError);
        Assert.Equal(0, active.Attempts);
        var applied = await AppliedAtAsync(slug);
        Assert.Equal([1, 2, 3, 4], applied.Keys.Order());
        Assert.All(firstApplied, kv => Assert.Equal(kv.Value, applied[kv.Key]));
        Assert.Equal(1, await _database.ScalarAsync<long>($"SELECT count(*) FROM tenant_{slug}.teams"));
    }

    [Fact]
    public async Task StopAtActivateWhileTheTenantRoleLacksReadWriteOnATableOfItsSchemaThenActivateOnRetryOnceGranted()
    {
        // A migration that takes a privilege from the tenant's role: the pool would fail on that table, so the tenant
        // must not go Active.
        _migrations.Write("V0004__private_notes.sql", "CREATE TABLE private_notes (id int); DO $$ BEGIN EXECUTE format('REVOKE DELETE ON private_notes FROM %I', current_schema()); END $$;");
        await using var silo = Silo(("ControlPlane:Provisioning:MaxAttempts", "2"));
        using var client = silo.CreateAdminClient();
        var slug = TestSlugs.New("revoked");

        using var created = await client.CreateAsync(slug, "Revoked Ltd");
        var failed = await client.WaitForStateAsync(slug, TenantStatus.Failed, also: t => t.Attempts == 2 && t.NextRetryAt is null);
        await _database.ExecuteAsync($"GRANT DELETE ON tenant_{slug}.private_notes TO tenant_{slug}");
        using var retry = await client.PostActionAsync(slug, "retry");
        var active = await client.WaitForStateAsync(slug, TenantStatus.Active);

        Assert.Equal(ProvisioningStep.Activate, failed.FailedStep);
        Assert.Contains("its role lacks read/write on 1 table(s)", failed.LastError, StringComparison.Ordinal);
        Assert.Equal(4, failed.MigrationVersion);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Null(active.LastError);
    }

    [Fact]
    public async Task RetryAutomaticallyWithBackoffUntilTheStepSucceeds()
    {
        var gate = TestSlugs.New("gate");
        _migrations.Write("V0004__needs_gate.sql", $"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{gate}') THEN RAISE EXCEPTION 'gate {gate} is closed'; END IF; END $$;");
        await using var silo = Silo(("ControlPlane:Provisioning:MaxAttempts", "50"));
        using var client = silo.CreateAdminClient();
        var slug = TestSlugs.New("auto");

        using var created = await client.CreateAsync(slug, "Auto Ltd");
        var failing = await client.WaitForStateAsync(slug, TenantStatus.Failed, also: t => t.Attempts >= 2 && t.NextRetryAt is not null);
        await _database.ExecuteAsync($"CREATE ROLE {gate}");
        try
        {
            var active = await client.WaitForStateAsync(slug, TenantStatus.Active);

            Assert.Contains($"gate {gate} is closed", failing.LastError);
            Assert.Equal(4, active.MigrationVersion);
            Assert.Null(active.LastError);
            Assert.Contains(active.Timeline, e => e.Detail?.StartsWith("retrying Migrate", StringComparison.Ordinal) == true);
            Assert.True(active.Timeline.Count(e => e.To == TenantStatus.Failed) >= 2);
        }
        finally
        {
            await _database.ExecuteAsync($"DROP ROLE {gate}");
        }
    }

    [Fact]
    public async Task ReportDriftOfAnAppliedMigrationAndRefuseToMigrateOverIt()
    {
        _migrations.Write("V0004__broken.sql", "SELECT 1/0;");
        await using var silo = Silo(("ControlPlane:Provisioning:MaxAttempts", "1"));
        using var client = silo.CreateAdminClient();
        var slug = TestSlugs.New("drift");
        using var created = await client.CreateAsync(slug, "Drift Ltd");
        await client.WaitForStateAsync(slug, TenantStatus.Failed);

        _migrations.Append("V0002__components_and_environments.sql", "\n-- edited after it was applied\n");
        _migrations.Write("V0004__broken.sql", "SELECT 1;");
        var reported = await client.GetAsync(slug);
        using var retry = await client.PostActionAsync(slug, "retry");
        var refused = await client.WaitForStateAsync(slug, TenantStatus.Failed, also: t => t.LastError?.Contains("drift", StringComparison.Ordinal) == true);

        var drift = Assert.Single(reported!.Drift);
        Assert.Equal(2, drift.Version);
        Assert.NotEqual(drift.AppliedChecksum, drift.CurrentChecksum);
        Assert.Contains("V0002 changed after it was applied", refused.LastError);
        Assert.Null(refused.NextRetryAt);
        Assert.Equal(3, refused.MigrationVersion);
        Assert.Equal(3, await _database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_migrations WHERE slug = $1", slug));
    }

    private SiloFactory Silo(params (string Key, string Value)[] settings) =>
        new(_database.ConnectionString, new Dictionary<string, string?>(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)).Append(_migrations.Setting)));

    private async Task<Dictionary<int, DateTime>> AppliedAtAsync(string slug)
    {
        var versions = await _database.QueryAsync<int>("SELECT version FROM controlplane.tenant_migrations WHERE slug = $1 ORDER BY version", slug);
        var times = await _database.QueryAsync<DateTime>("SELECT applied_at FROM controlplane.tenant_migrations WHERE slug = $1 ORDER BY version", slug);
        return versions.Zip(times).ToDictionary(p => p.First, p => p.Second);
    }
}
