using ControlPlane.Api.Audit;
using ControlPlane.Api.Auth;
using ControlPlane.Api.Contracts;
using ControlPlane.Api.Telemetry;
using ControlPlane.Grains;
using ControlPlane.Grains.Backups;
using ControlPlane.Grains.Tenants;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orleans;

namespace ControlPlane.Api.Tenants;

/// <summary><c>/v1/tenants/{slug}/backups</c> and <c>/restore</c>: a tenant's backups, run by its grain (docs/lifecycle.md).</summary>
public static class BackupsApi
{
    public static void MapBackupsApi(this RouteGroupBuilder tenants)
    {
        tenants.MapPost("/{slug}/backups", StartAsync)
            .Audited("tenant.backup")
            .WithName("BackupTenant")
            .WithSummary("Take a backup of the tenant's schema and data from one snapshot (202; follow Location until its state is Completed).")
            .RequireAuthorization(ControlPlaneScopes.AdminPolicy);
        tenants.MapGet("/{slug}/backups", ListAsync)
            .WithName("ListTenantBackups")
            .WithSummary("The tenant's backups, newest first: id, takenAt, migrationVersion, tier, size, sha256, state.")
            .RequireAuthorization(ControlPlaneScopes.ReadPolicy);
        tenants.MapGet("/{slug}/backups/{id}", GetAsync)
            .WithName("GetTenantBackup")
            .WithSummary("One backup.")
            .RequireAuthorization(ControlPlaneScopes.ReadPolicy);
        tenants.MapGet("/{slug}/backups/{id}/content", DownloadAsync)
            .WithName("DownloadTenantBackup")
            .WithSummary("The backup file: a plain SQL script for psql (DDL, then COPY ... FROM stdin sections).")
            .RequireAuthorization(ControlPlaneScopes.AdminPolicy);
        tenants.MapDelete("/{slug}/backups/{id}", DeleteAsync)
            .Audited("tenant.backup.delete")
            .WithName("DeleteTenantBackup")
            .WithSummary("Remove a backup's file and record.")
            .RequireAuthorization(ControlPlaneScopes.AdminPolicy);
        tenants.MapPost("/{slug}/restore", RestoreAsync)
            .Audited("tenant.restore")
            .WithName("RestoreTenant")
            .WithSummary("Restore a backup into a new schema, verify it, swap it in atomically; the replaced data is kept as a backup. 409 names why a backup is refused.")
            .RequireAuthorization(ControlPlaneScopes.AdminPolicy);
    }

    public static async Task<Accepted<BackupResponse>> StartAsync(string slug, IGrainFactory grains, HttpContext context)
    {
        var tenantSlug = TenantSlug.Parse(slug);
        RequestTelemetry.TagTenant(tenantSlug.Value);
        var backup = await grains.GetGrainByKey<ITenantGrain>(tenantSlug.Value).StartBackupAsync();
        AuditTrail.Describe(context, target: backup.Id);
        return TypedResults.Accepted(Location(tenantSlug, backup.Id), BackupResponse.From(backup));
    }

    public static async Task<Ok<BackupListResponse>> ListAsync(string slug, IGrainFactory grains)
    {
        var tenantSlug = TenantSlug.Parse(slug);
        var backups = await grains.GetGrainByKey<ITenantGrain>(tenantSlug.Value).ListBackupsAsync();
        return TypedResults.Ok(new BackupListResponse([.. backups.Select(BackupResponse.From)]));
    }

    public static async Task<Ok<BackupResponse>> GetAsync(string slug, string id, IGrainFactory grains) =>
        TypedResults.Ok(BackupResponse.From(await grains.GetGrainByKey<ITenantGrain>(TenantSlug.Parse(slug).Value).GetBackupAsync(id)));

    public static async Task<FileStreamHttpResult> DownloadAsync(string slug, string id, IGrainFactory grains, IBackupFiles store, HttpResponse response)
    {
        var tenantSlug = TenantSlug.Parse(slug);
        var file = await grains.GetGrainByKey<ITenantGrain>(tenantSlug.Value).GetBackupFileAsync(id);
        response.Headers["X-Content-SHA256"] = file.Sha256;
        return TypedResults.File(store.OpenRead(file.FileName), "application/sql", $"{tenantSlug.Value}-{id}.sql");
    }

    public static async Task<NoContent> DeleteAsync(string slug, string id, IGrainFactory grains, HttpContext context)
    {
        AuditTrail.Describe(context, target: id);
        await grains.GetGrainByKey<ITenantGrain>(TenantSlug.Parse(slug).Value).DeleteBackupAsync(id);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<RestoreResponse>> RestoreAsync(string slug, RestoreRequest? body, IGrainFactory grains, HttpContext context)
    {
        var tenantSlug = TenantSlug.Parse(slug);
        if (string.IsNullOrWhiteSpace(body?.BackupId))
        {
            throw new TenantValidationException("backupId", "Give the backup to restore, e.g. {\"backupId\":\"bk_...\"} (GET .../backups lists them).");
        }

        AuditTrail.Describe(context, target: body.BackupId);
        RequestTelemetry.TagTenant(tenantSlug.Value);
        var restore = await grains.GetGrainByKey<ITenantGrain>(tenantSlug.Value).RestoreAsync(body.BackupId);
        return TypedResults.Ok(RestoreResponse.From(restore));
    }

    private static string Location(TenantSlug slug, string id) => $"/v1/tenants/{slug.Value}/backups/{id}";
}
