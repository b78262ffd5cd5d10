using ControlPlane.Grains.Telemetry;
using Orleans;
using ControlPlane.Grains.Backups;
using Orleans.Concurrency;

namespace ControlPlane.Grains.Tenants;

/// <summary>
/// The grain that owns one tenant (keyed by its slug): its provisioning state machine, its migration
/// version and its dedicated connection pool. Every request about a tenant goes through it.
/// </summary>
[GrainKeyTag(TelemetryTags.TenantId)]
[GrainKeyTag(TelemetryTags.TenantSchema, Prefix = TelemetryTags.SchemaPrefix)]
[Alias("cp.ITenantGrain")]
public interface ITenantGrain : IGrainWithStringKey
{
    /// <summary>
    /// Registers the tenant and starts provisioning it. Calling it again with the same request returns the
    /// same tenant; a different request for the same slug throws <see cref="TenantConflictException"/>.
    /// </summary>
    Task<ProvisionResult> ProvisionAsync(ProvisionRequest request);

    /// <summary>
    /// Registers an existing schema (made by another tool) as this tenant at <see cref="AdoptRequest.BaselineVersion"/>,
    /// after checking that its structure is what the catalogue's versions 1..N produce; the data stays where it is.
    /// </summary>
    /// <exception cref="TenantSourceMismatchException">The schema is missing or its structure differs (nothing is registered).</exception>
    Task<TenantSnapshot> AdoptAsync(AdoptRequest request);

    /// <summary>The tenant as the registry has it now (state, version, errors, timeline); null when it does not exist.</summary>
    [AlwaysInterleave]
    Task<TenantSnapshot?> GetAsync();

    /// <summary>Opens a connection from the tenant's own pool and reports who it runs as and on which schemas.</summary>
    /// <exception cref="InvalidTenantTransitionException">The tenant is not Active.</exception>
    [AlwaysInterleave]
    Task<TenantConnectionCheck> CheckConnectionAsync();

    /// <summary>
    /// Brings the tenant's schema to <paramref name="targetVersion"/>, each migration in its own transaction. A tenant
    /// still provisioning finishes provisioning first (to the newest version); a deleted one is skipped. When
    /// <paramref name="rolloutId"/> is given, the tenant's line in that rollout is updated in the same transactions.
    /// </summary>
    /// <remarks>
    /// A migration may wait for a lock or a work connection, or build an index concurrently, for longer than Orleans'
    /// default response timeout: this call's own timeout is long, so the coordinator never records an outcome while the
    /// work goes on. A call that fails anyway (the silo died) is retried by the coordinator, never recorded as Failed.
    /// </remarks>
    [ResponseTimeout("06:00:00")]
    Task<MigrationOutcome> MigrateToAsync(int targetVersion, string? rolloutId);

    /// <summary>
    /// As <see cref="MigrateToAsync(int, string?)"/>, with the rollout's lock and statement timeouts for this tenant's
    /// DDL (an overload, so callers of the first form keep working across a rolling upgrade).
    /// </summary>
    [ResponseTimeout("06:00:00")]
    Task<MigrationOutcome> MigrateToAsync(int targetVersion, string? rolloutId, MigrationLimits limits);

    /// <summary>
    /// Asks the tenant to run whatever work the registry says is due (provisioning steps, retries, deprovisioning).
    /// Returns at once: the work runs as the grain's own turn, at most one queued at a time however often this is called.
    /// </summary>
    [AlwaysInterleave, OneWay]
    Task WakeAsync();

    /// <summary>Retries a <see cref="TenantStatus.Failed"/> tenant now, with a fresh automatic-retry budget.</summary>
    Task<TenantSnapshot> RetryAsync(long? expectedEtag);

    /// <summary>Suspends an active tenant: its database role can no longer log in and its pool is closed (a pooled tenant is flagged suspended in the pooled control table, which the policies read).</summary>
    Task<TenantSnapshot> SuspendAsync(long? expectedEtag);

    /// <summary>Resumes a suspended tenant.</summary>
    /// <remarks>A Retained tenant resumes too, within its retention period: its role logs in again and its purge is called off.</remarks>
    Task<TenantSnapshot> ResumeAsync(long? expectedEtag);

    /// <summary>
    /// Starts moving an Active tenant to <paramref name="tier"/> (docs/tiers.md): the target is prepared, rows are copied,
    /// verified and routing switched in one transaction, then the source is removed, each as a unit of the tenant's drive.
    /// Returns the tenant with its <see cref="TenantSnapshot.Move"/>; a tenant already in that tier is returned as it is.
    /// </summary>
    /// <exception cref="InvalidTenantTransitionException">The tenant is not Active.</exception>
    /// <exception cref="TenantConflictException">A rollout is open, the versions differ, or another move is in progress.</exception>
    Task<TenantSnapshot> MoveAsync(TenantTier tier, long? expectedEtag);

    /// <summary>Starts deprovisioning: the schema and role are dropped; the registry row and history stay.</summary>
    Task<TenantSnapshot> DeleteAsync(long? expectedEtag);

    /// <summary>
    /// Deletes the tenant after <paramref name="retainFor"/> (null: the configured <c>ControlPlane:Tenants:DeleteRetention</c>).
    /// Zero deletes at once, as <see cref="DeleteAsync(long?)"/>; a period takes a Final backup, makes the tenant unable to
    /// serve and keeps it <see cref="TenantStatus.Retained"/> until its purge time, when a reminder deprovisions it.
    /// </summary>
    /// <remarks>An overload, so callers of the first form keep working across a rolling upgrade.</remarks>
    [ResponseTimeout("01:00:00")]
    Task<TenantSnapshot> DeleteAsync(long? expectedEtag, TimeSpan? retainFor);

    /// <summary>
    /// Changes the tenant's labels as a merge patch: a key with a value sets it, a key with null removes it, keys not
    /// named stay. Bumps the etag when anything changed; <paramref name="expectedEtag"/> makes it conditional.
    /// </summary>
    /// <exception cref="TenantValidationException">A key or value breaks <see cref="TenantLabels"/>' rules.</exception>
    Task<TenantSnapshot> SetLabelsAsync(IReadOnlyDictionary<string, string?> changes, long? expectedEtag);

    /// <summary>
    /// Records a backup Running and starts it as the grain's own turn (after whatever work is queued before it);
    /// returns at once. Only an Active or Suspended tenant can be backed up.
    /// </summary>
    Task<TenantBackup> StartBackupAsync();

    /// <summary>As <see cref="StartBackupAsync()"/>, recorded as <paramref name="kind"/> (the schedule's are pruned to its retention count).</summary>
    Task<TenantBackup> StartBackupAsync(BackupKind kind);

    /// <summary>The tenant's backups, newest first.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<TenantBackup>> ListBackupsAsync();

    /// <summary>One backup.</summary>
    /// <exception cref="BackupNotFoundException">The tenant has no such backup.</exception>
    [AlwaysInterleave]
    Task<TenantBackup> GetBackupAsync(string backupId);

    /// <summary>Where a completed backup's file is in the store, to download it.</summary>
    [AlwaysInterleave]
    Task<BackupFile> GetBackupFileAsync(string backupId);

    /// <summary>Removes a backup's file and its registry row (the timeline keeps that it was deleted).</summary>
    Task DeleteBackupAsync(string backupId);

    /// <summary>
    /// Restores a backup: loads it into a new schema beside the live one, verifies tables and row counts, swaps the two
    /// in one transaction and keeps the replaced data as a backup. The tenant's migration version becomes the backup's.
    /// </summary>
    /// <exception cref="BackupRefusedException">The backup is incomplete, newer than the catalogue, or its checksum does not match.</exception>
    [ResponseTimeout("06:00:00")]
    Task<TenantRestore> RestoreAsync(string backupId);
}
