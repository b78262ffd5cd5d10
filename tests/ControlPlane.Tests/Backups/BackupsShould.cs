using System.Net;
using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Backups;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Backups;

public sealed class BackupsShould(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private BackupsClient Backups => new(fixture.Client, fixture.Database);

    private TestDatabase Db => fixture.Database;

    [Fact]
    public async Task Give_back_exactly_the_backed_up_rows_when_restored_after_the_tenant_changed()
    {
        var slug = TestSlugs.New("bkrest");
        await fixture.Client.OnboardAsync(slug);
        await Db.ExecuteAsync($"INSERT INTO tenant_{slug}.teams (name) SELECT 'team ' || i FROM generate_series(1, 50) i");
        await Db.ExecuteAsync($"INSERT INTO tenant_{slug}.users (email, name, team_id) SELECT 'u' || i || '@x.test', 'user ' || i, (SELECT min(id) FROM tenant_{slug}.teams) FROM generate_series(1, 200) i");
        var before = await Backups.ChecksumsAsync(slug);

        var backup = await Backups.TakeAsync(slug);
        await Db.ExecuteAsync($"DELETE FROM tenant_{slug}.users WHERE id % 2 = 0; UPDATE tenant_{slug}.teams SET description = 'changed'; INSERT INTO tenant_{slug}.tags (name) VALUES ('after-backup')");
        var changed = await Backups.ChecksumsAsync(slug);
        using var restored = await Backups.RestoreAsync(slug, backup.Id);
        var after = await Backups.ChecksumsAsync(slug);

        Assert.Equal(BackupState.Completed, backup.State);
        Assert.Equal(3, backup.MigrationVersion);
        Assert.Equal("schema", backup.Tier);
        Assert.Equal(200, backup.TableRows["users"]);
        Assert.Matches("^[0-9a-f]{64}$", backup.Sha256);
        Assert.NotEqual(before, changed);
        Assert.True(restored.StatusCode == HttpStatusCode.OK, await restored.Content.ReadAsStringAsync());
        Assert.Equal(before, after);
        var restore = (await restored.Content.ReadFromJsonAsync<RestoreResponse>(TenantsClient.Json))!;
        var replaced = await Backups.WaitAsync(slug, restore.ReplacedBackupId!, b => b.State != BackupState.Running);
        Assert.Equal(BackupKind.Replaced, replaced.Kind);
        Assert.Equal(BackupState.Completed, replaced.State);
        Assert.Equal(100, replaced.TableRows["users"]);

        // The tenant's own role reaches the restored tables (grants and search_path followed the swap), and nothing is left beside them.
        var tenant = await fixture.Client.GetAsync(slug);
        Assert.Equal(TenantStatus.Active, tenant!.State);
        Assert.Contains(tenant.Timeline, e => e.Detail?.Contains($"restored from backup {backup.Id}", StringComparison.Ordinal) == true);
        Assert.Equal(200, await Db.ScalarAsync<long>($"SET ROLE tenant_{slug}; SELECT count(*) FROM users"));
        using var check = await fixture.Client.Http.GetAsync($"/v1/tenants/{slug}/connection");
        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
        Assert.Equal(0, await Db.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'cp\\_re%'"));
    }

    [Fact]
    public async Task Take_a_consistent_backup_while_writes_go_on()
    {
        var slug = TestSlugs.New("bkcons");
        await fixture.Client.OnboardAsync(slug);
        var seededTeams = await Db.ScalarAsync<long>($"SELECT count(*) FROM tenant_{slug}.teams");

        // Each transaction adds one team and one user of it: in any snapshot, teams - seeded == users.
        using var stop = new CancellationTokenSource();
        var writes = 0;
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Db.ExecuteAsync(
                    $"WITH t AS (INSERT INTO tenant_{slug}.teams (name) VALUES ('w' || gen_random_uuid()) RETURNING id) " +
                    $"INSERT INTO tenant_{slug}.users (email, name, team_id) SELECT 'w' || id || '@x.test', 'w', id FROM t");
                Interlocked.Increment(ref writes);
            }
        });
        await Eventually.HoldsAsync(() => Task.FromResult(Volatile.Read(ref writes) >= 20), "writes to start");

        var backup = await Backups.TakeAsync(slug);
        await Eventually.HoldsAsync(() => Task.FromResult(Volatile.Read(ref writes) >= 40), "writes to go on after the backup");
        await stop.CancelAsync();
        await writer;
        using var restored = await Backups.RestoreAsync(slug, backup.Id);

        Assert.Equal(BackupState.Completed, backup.State);
        Assert.True(backup.TableRows["users"] > 0);
        Assert.Equal(backup.TableRows["teams"] - seededTeams, backup.TableRows["users"]);
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.Equal(backup.TableRows["users"], await Db.ScalarAsync<long>($"SELECT count(*) FROM tenant_{slug}.users"));
        Assert.Equal(backup.TableRows["teams"], await Db.ScalarAsync<long>($"SELECT count(*) FROM tenant_{slug}.teams"));
    }

    [Fact]
    public async Task Refuse_a_backup_whose_file_was_changed_with_409_naming_the_checksum()
    {
        var slug = TestSlugs.New("bktamper");
        await fixture.Client.OnboardAsync(slug);
        var backup = await Backups.TakeAsync(slug);
        var before = await Backups.ChecksumsAsync(slug);
        var store = fixture.Silo.Service<ControlPlane.Grains.Backups.BackupStore>();
        var path = store.PathOf(ControlPlane.Grains.Backups.BackupStore.FileNameOf(slug, backup.Id));
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(path)).Replace("Platform", "Pl4tform", StringComparison.Ordinal));

        using var response = await Backups.RestoreAsync(slug, backup.Id);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Contains("does not match its recorded checksum", problem.Detail);
        Assert.Equal(before, await Backups.ChecksumsAsync(slug));
    }

    [Fact]
    public async Task Refuse_a_backup_from_a_version_newer_than_the_catalogue_with_409_naming_the_version()
    {
        var slug = TestSlugs.New("bknewer");
        await fixture.Client.OnboardAsync(slug);
        var backup = await Backups.TakeAsync(slug);

        // As if it had been taken by a deployment whose catalogue went further than this one's.
        await Db.ExecuteAsync($"UPDATE controlplane.tenant_backups SET migration_version = 99 WHERE id = '{backup.Id}'");
        using var response = await Backups.RestoreAsync(slug, backup.Id);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("migration version 99, newer than the catalogue's newest (3)", (await Problem.ReadAsync(response)).Detail);
        Assert.Equal(3, (await fixture.Client.GetAsync(slug))!.MigrationVersion);
    }

    [Fact]
    public async Task List_download_and_delete_a_backup()
    {
        var slug = TestSlugs.New("bklist");
        await fixture.Client.OnboardAsync(slug);
        var first = await Backups.TakeAsync(slug);
        var second = await Backups.TakeAsync(slug);

        var listed = await Backups.ListAsync(slug);
        using var content = await Backups.Http.GetAsync($"/v1/tenants/{slug}/backups/{first.Id}/content");
        var bytes = await content.Content.ReadAsByteArrayAsync();
        using var deleted = await Backups.Http.DeleteAsync($"/v1/tenants/{slug}/backups/{first.Id}");
        using var gone = await Backups.Http.GetAsync($"/v1/tenants/{slug}/backups/{first.Id}");
        using var missingBody = await Backups.Http.PostAsJsonAsync($"/v1/tenants/{slug}/restore", new { });

        Assert.Equal([second.Id, first.Id], listed.Select(b => b.Id));
        Assert.Equal(HttpStatusCode.OK, content.StatusCode);
        Assert.Equal(first.Size, bytes.Length);
        Assert.Equal(first.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        Assert.Contains($"CREATE SCHEMA \"tenant_{slug}\";", text);
        Assert.Contains("COPY \"teams\" (\"id\", \"name\", \"description\", \"created_at\", \"updated_at\") FROM stdin;", text);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, missingBody.StatusCode);
        Assert.Contains("backupId", (await Problem.ReadAsync(missingBody)).Detail);
        Assert.Equal([second.Id], (await Backups.ListAsync(slug)).Select(b => b.Id));
    }
}
