using System.Net;
using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Backups;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Backups;

/// <summary>The backups API as a test drives it, plus the per-table checksums a test compares.</summary>
public sealed class BackupsClient(TenantsClient client, TestDatabase database)
{
    public HttpClient Http => client.Http;

    /// <summary>POSTs a backup and waits until it is Completed; returns it.</summary>
    public async Task<BackupResponse> TakeAsync(string slug)
    {
        using var started = await Http.PostAsync($"/v1/tenants/{slug}/backups", null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var backup = (await started.Content.ReadFromJsonAsync<BackupResponse>(TenantsClient.Json))!;
        Assert.Equal($"/v1/tenants/{slug}/backups/{backup.Id}", started.Headers.Location!.OriginalString);
        var taken = await WaitAsync(slug, backup.Id, b => b.State != BackupState.Running);
        Assert.True(taken.State == BackupState.Completed, $"backup {taken.Id} is {taken.State}: {taken.Error}");
        return taken;
    }

    public async Task<BackupResponse> GetAsync(string slug, string id) =>
        (await Http.GetFromJsonAsync<BackupResponse>($"/v1/tenants/{slug}/backups/{id}", TenantsClient.Json))!;

    public async Task<IReadOnlyList<BackupResponse>> ListAsync(string slug) =>
        (await Http.GetFromJsonAsync<BackupListResponse>($"/v1/tenants/{slug}/backups", TenantsClient.Json))!.Items;

    public Task<BackupResponse> WaitAsync(string slug, string id, Func<BackupResponse, bool> until) =>
        Eventually.ReadsAsync(() => GetAsync(slug, id), until, $"backup {id} of {slug}", b => $"{b.State} {b.Error}");

    public Task<HttpResponseMessage> RestoreAsync(string slug, string backupId) =>
        Http.PostAsJsonAsync($"/v1/tenants/{slug}/restore", new RestoreRequest(backupId), TenantsClient.Json);

    /// <summary>An md5 of every table's rows in a stable order, per table: equal checksums mean exactly the same rows.</summary>
    public async Task<Dictionary<string, string>> ChecksumsAsync(string slug)
    {
        var schema = $"tenant_{slug}";
        var tables = await database.QueryAsync<string>(
            "SELECT relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r' ORDER BY 1", schema);
        var sums = new Dictionary<string, string>();
        foreach (var table in tables)
        {
            sums[table] = await database.ScalarAsync<string>(
                $"SELECT coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), 'empty') FROM \"{schema}\".\"{table}\" t");
        }

        return sums;
    }
}
