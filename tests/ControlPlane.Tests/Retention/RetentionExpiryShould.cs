using System.Net;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Backups;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Retention;

/// <summary>Purges play out on a reminder across silo restarts, so this class has a database of its own.</summary>
public sealed class RetentionExpiryShould : IAsyncLifetime
{
    // One backup store for both silos, as a deployment's store outlives its silos.
    private readonly TestBackupStore _store = new();
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        _store.Dispose();
    }

    [Fact]
    public async Task Purge_a_retained_tenant_when_its_retention_expires_even_after_a_silo_restart_in_between()
    {
        var slug = TestSlugs.New("retexp");
        DateTimeOffset purgeAt;
        string finalBackup;
        await using (var silo = NewSilo())
        {
            using var client = silo.CreateAdminClient();
            await client.OnboardAsync(slug);
            using var deleted = await new RetentionClient(client, _database).DeleteAsync(slug, "PT20S");
            Assert.True(deleted.StatusCode == HttpStatusCode.OK, await deleted.Content.ReadAsStringAsync());
            purgeAt = (await RetentionClient.ReadAsync(deleted)).PurgeAt!.Value;
            finalBackup = Assert.Single(await new BackupsClient(client, _database).ListAsync(slug)).Id;
        }

        // The silo that armed the purge is gone, and the purge time has not come: whatever purges it now is the reminder.
        var retention = new RetentionClient(null!, _database);
        Assert.Equal("Retained", await retention.RegistryStateAsync(slug));
        Assert.True(await retention.SchemaExistsAsync(slug));
        Assert.Equal(1, await retention.PurgeRemindersAsync(slug));

        await using (var restarted = NewSilo())
        {
            using var client = restarted.CreateAdminClient();
            var tenant = await client.WaitForStateAsync(slug, TenantStatus.Deleted, TimeSpan.FromSeconds(120));

            Assert.True(DateTimeOffset.UtcNow >= purgeAt.AddSeconds(-1), $"purged at {DateTimeOffset.UtcNow:O}, before its purgeAt {purgeAt:O}");
            Assert.Null(tenant.PurgeAt);
            Assert.False(await retention.SchemaExistsAsync(slug));
            Assert.False(await retention.RoleExistsAsync(slug));
            Assert.Contains(tenant.Timeline, e => e.To == TenantStatus.Retained);
            Assert.Contains(tenant.Timeline, e => e.From == TenantStatus.Retained && e.To == TenantStatus.Deprovisioning && e.Detail!.Contains("retention period ended", StringComparison.Ordinal));
            Assert.True(
                tenant.Timeline.Any(e => e.Detail?.Contains($"backup {finalBackup} (Final) deleted: the tenant was purged", StringComparison.Ordinal) == true),
                string.Join(" | ", tenant.Timeline.Select(e => $"{e.From}->{e.To}: {e.Detail}")));
            Assert.Empty(await new BackupsClient(client, _database).ListAsync(slug));
            Assert.Empty(Directory.Exists(_store.Path) ? Directory.GetFiles(_store.Path, "*", SearchOption.AllDirectories) : []);
            await Eventually.HoldsAsync(async () => await retention.PurgeRemindersAsync(slug) == 0, "the purge reminder to be dropped");
        }
    }

    private SiloFactory NewSilo()
    {
        var settings = SiloFactory.ShortTimings.ToDictionary(s => s.Key, s => s.Value);
        foreach (var (key, value) in StartReminders.Quick)
        {
            settings[key] = value;
        }

        settings["ControlPlane:Tenants:PurgeCheckPeriod"] = "00:00:02";
        settings["ControlPlane:Backups:Directory"] = _store.Path;
        return new SiloFactory(_database.ConnectionString, settings);
    }
}
