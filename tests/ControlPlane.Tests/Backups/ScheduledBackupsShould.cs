using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Backups;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Backups;

/// <summary>The schedule backs up every tenant of its database, so this class has a database of its own.</summary>
public sealed class ScheduledBackupsShould : IAsyncLifetime
{
    private readonly TestBackupStore _store = new();
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        _store.Dispose();
    }

    [Fact]
    public async Task Take_scheduled_backups_keep_only_the_retention_count_and_go_on_after_a_silo_restart()
    {
        var slug = TestSlugs.New("bksched");
        string manual;
        HashSet<string> seen;
        await using (var silo = NewSilo())
        {
            using var client = silo.CreateAdminClient();
            await client.OnboardAsync(slug);
            var backups = new BackupsClient(client, _database);
            manual = (await backups.TakeAsync(slug)).Id;

            // Three scheduled backups, so that one has been pruned: the list then holds the newest two and the manual one.
            await Eventually.HoldsAsync(
                async () => (await client.GetAsync(slug))!.Timeline.Any(e => e.Detail?.Contains("beyond the retention count (2)", StringComparison.Ordinal) == true),
                "a scheduled backup pruned beyond the retention count", TimeSpan.FromSeconds(90));
            var listed = await backups.ListAsync(slug);
            Assert.Equal(2, listed.Count(b => b is { Kind: BackupKind.Scheduled, State: BackupState.Completed }));
            Assert.Contains(listed, b => b.Id == manual);
            seen = [.. listed.Select(b => b.Id)];
        }

        await using (var restarted = NewSilo())
        {
            using var client = restarted.CreateAdminClient();
            var backups = new BackupsClient(client, _database);
            var after = await Eventually.ReadsAsync(
                () => backups.ListAsync(slug),
                list => list.Any(b => b is { Kind: BackupKind.Scheduled, State: BackupState.Completed } && !seen.Contains(b.Id)),
                "a scheduled backup taken after the restart",
                list => string.Join(", ", list.Select(b => $"{b.Id} {b.Kind} {b.State}")),
                TimeSpan.FromSeconds(90));

            Assert.True(after.Count(b => b is { Kind: BackupKind.Scheduled, State: BackupState.Completed }) <= 2);
            Assert.Contains(after, b => b.Id == manual);
            Assert.Equal(1, await _database.ScalarAsync<long>("SELECT count(*) FROM orleans.reminders WHERE reminder_name = 'backups-every-00:00:02'"));
        }
    }

    private SiloFactory NewSilo()
    {
        var settings = SiloFactory.ShortTimings.ToDictionary(s => s.Key, s => s.Value);
        foreach (var (key, value) in StartReminders.Quick)
        {
            settings[key] = value;
        }

        settings["ControlPlane:Backups:Schedule"] = "00:00:02";
        settings["ControlPlane:Backups:RetainCount"] = "2";
        settings["ControlPlane:Backups:Directory"] = _store.Path;
        return new SiloFactory(_database.ConnectionString, settings);
    }
}
