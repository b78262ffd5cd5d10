using ControlPlane.Grains.Cluster;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Telemetry;
using ControlPlane.Grains.Tenants.Steps;
using ControlPlane.Registry.Contracts.Tenants;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Placement;

namespace ControlPlane.Grains.Tenants;

/// <summary>
/// One tenant: its provisioning state machine, its migration version and its dedicated pool. Orleans keeps one
/// activation per tenant cluster-wide and runs its turns one at a time on one thread; the registry row is the durable
/// state, and every turn that changes it holds the row lock and passes the fence, so even a duplicate activation
/// (possible for a moment while membership changes) never writes twice.
/// </summary>
/// <remarks>
/// Placed on the silo whose API took the tenant's first request: its pool then opens where its requests arrive, and
/// a single silo needs no hop at all.
/// </remarks>
[PreferLocalPlacement]
public sealed partial class TenantGrain(
    ControlPlaneDataSources dataSources,
    WorkConnectionBudget budget,
    Groups.MigrationGroups groups,
    TenantSteps steps,
    Pooled.PooledTier pooledTier,
    MigrationCatalog catalog,
    TenantPoolFactory pools,
    SiloIdentity silo,
    IEnumerable<ITenantWorkObserver> observers,
    TenantGrainSettings settings,
    ITenantChangeWaiter changes,
    IHostApplicationLifetime lifetime,
    ControlPlaneMetrics metrics,
    ILogger<TenantGrain> logger) : Grain, ITenantGrain, ITenantDrive
{
    private const int MaxDisplayNameLength = 200;

    private TenantSlug? _slug;
    private TenantPool? _pool;
    private TenantServingStatus? _serving;

    // The lease token this activation holds while driving; null when it holds none.
    private long? _leaseToken;

    // At most one drive turn queued; _driving while one runs (a wake-up then still queues the next).
    private readonly QueuedDrive _drive = new();
    private bool _driving;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (TenantSlug.TryParse(this.GetPrimaryKeyString(), out var slug, out _))
        {
            _slug = slug;
            _pool = pools.Create(slug);
        }

        // What a dead silo left mid-way is looked at before this activation's first call but one that registers a new
        // tenant (see Invoke, in TenantGrain.Restore.cs).
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await ClosePoolAsync();
        _serving?.Dispose();
        var key = this.GetPrimaryKeyString();
        LogDeactivated(logger, key, reason.ReasonCode);
    }

    public async Task<ProvisionResult> ProvisionAsync(ProvisionRequest request)
    {
        var slug = RequireSlug();
        var displayName = ValidateDisplayName(request.DisplayName);
        var labels = TenantLabels.Validate(request.Labels);
        var tier = request.Tier ?? (TenantTiers.TryParse(settings.TenantModel.DefaultTier, out var configured) ? configured : TenantTier.Schema);
        if (tier == TenantTier.Pooled && (request.CloneFrom is not null || request.ImportFromSchema is not null))
        {
            throw new TenantValidationException("tier", "A pooled tenant starts from the seed; cloneFrom and importFrom build schema-tier tenants (move one to the pooled tier afterwards).");
        }

        var copyFrom = await CheckCopySourceAsync(slug, request);
        var pooledSchema = tier == TenantTier.Pooled ? pooledTier.Store.Schema : null;
        var oneShortUnit = pooledSchema is not null || (steps.Claim.Enabled && copyFrom is null);
        if (oneShortUnit && budget.InUse < budget.Capacity && await OnboardNowAsync(slug, displayName, labels, pooledSchema) is { } onboarded)
        {
            // A tenant registered just now has no backup or restore a dead silo could have left mid-way.
            _recovery ??= Task.CompletedTask;
            return new ProvisionResult(await LoadAsync(slug) ?? TenantSnapshots.From(onboarded), Created: true);
        }

        var (row, created) = await TenantRows.InsertOrGetAsync(dataSources.Registry, slug, displayName, silo.SiloId, CancellationToken.None, labels, copyFrom, pooledSchema);
        if (created)
        {
            _recovery ??= Task.CompletedTask;
        }
        else
        {
            if (request.Tier is { } asked && asked != row.Tier)
            {
                throw new TenantConflictException(slug.Value, $"Tenant '{slug}' already exists in the {row.Tier.ToText()} tier; a request for the {asked.ToText()} tier cannot reuse its slug (move it with POST /v1/tenants/{slug}/move).");
            }

            if (row.CopyFrom != copyFrom)
            {
                throw new TenantConflictException(slug.Value, $"Tenant '{slug}' already exists with {(row.CopyFrom is { } from ? $"its data copied from {from}" : "seeded data")}; a different request cannot reuse its slug.");
            }

            if (row.State == TenantStatus.Deleted)
            {
                throw new TenantConflictException(slug.Value, $"Tenant '{slug}' was deleted on {row.UpdatedAt:u}; slugs are not reused, so its history stays unambiguous. Choose another slug.");
            }

            if (row.DisplayName != displayName)
            {
                throw new TenantConflictException(slug.Value, $"Tenant '{slug}' already exists with displayName '{row.DisplayName}'; a different request cannot reuse its slug.");
            }
        }

        if (row.NextAttemptAt is not null && !TenantStateMachine.WaitsForRetry(row.State))
        {
            Wake();
        }

        var snapshot = await LoadAsync(slug) ?? TenantSnapshots.From(row);
        return new ProvisionResult(snapshot, created);
    }

    /// <summary>
    /// A new tenant's registration and its whole onboarding, when that is one short unit (a pooled tenant's,
    /// <see cref="Pooled.PooledSteps"/>, or a claim from the warm pool, <see cref="WarmPool.ClaimFromPoolStep"/>), in one
    /// transaction, run in this turn: the answer already shows the tenant Active, with no wake-up hop, second
    /// transaction or waiting GET between. Only with a work connection free, so a busy budget (a rollout) never holds
    /// the POST. Returns the saved row; null when nothing committed (the slug exists; the pool was empty; the unit
    /// failed or was interrupted and rolled the registration back with it): the caller then registers the tenant as
    /// any other, and the drive builds it, or meets, records and retries the failure.
    /// </summary>
    private async Task<TenantRow?> OnboardNowAsync(TenantSlug slug, string displayName, IReadOnlyDictionary<string, string> labels, string? pooledSchema)
    {
        try
        {
            // A pooled tenant's unit goes with its registration, in one round trip (UnitPrelude); the registration then
            // fails rather than returns nothing when the slug exists, so no statement of the unit runs for another tenant.
            var prelude = pooledSchema is not null ? pooledTier.Steps.PreludeFor(slug, displayName) : null;
            var turn = await DriveNowAsync(TenantRows.Registration(slug, displayName, silo.SiloId, labels, null, pooledSchema, failWhenExists: prelude is not null), prelude);
            return turn.Committed ? turn.LastRow : null;
        }
        catch (InlineOnboardingDeclinedException ex)
        {
            LogInlineDeclined(logger, slug.Value, ex.Message);
            return null;
        }
    }

    public async Task<TenantSnapshot?> GetAsync()
    {
        if (_slug is null)
        {
            DeactivateOnIdle();
            return null;
        }

        var snapshot = await LoadAsync(_slug);
        if (snapshot is null && !_driving && !_drive.Queued)
        {
            // A lookup of an unknown slug should not keep an activation alive.
            DeactivateOnIdle();
        }

        return snapshot;
    }

    public async Task<TenantConnectionCheck> CheckConnectionAsync()
    {
        var slug = RequireSlug();
        var tenant = await LoadAsync(slug) ?? throw new TenantNotFoundException(slug.Value);
        if (!TenantStateMachine.Serves(tenant.Status))
        {
            throw new InvalidTenantTransitionException(slug.Value, tenant.Status, "check its connection (only Active tenants serve)");
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        if (tenant.Tier == TenantTier.Pooled)
        {
            // A pooled tenant has no pool or role of its own: its calls use the tier's shared pool (docs/tiers.md).
            await using var pooled = await pooledTier.Data.OpenAsync(lifetime.ApplicationStopping);
            return await WhoAmIAsync(pooled, watch);
        }

        await using var connection = await Pool().OpenAsync(lifetime.ApplicationStopping);
        return await WhoAmIAsync(connection.Connection, watch);
    }

    private async Task<TenantConnectionCheck> WhoAmIAsync(Npgsql.NpgsqlConnection connection, System.Diagnostics.Stopwatch watch)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT current_user, pg_catalog.current_schemas(false)";
        await using var reader = await command.ExecuteReaderAsync(lifetime.ApplicationStopping);
        await reader.ReadAsync(lifetime.ApplicationStopping);
        return new TenantConnectionCheck(reader.GetString(0), reader.GetFieldValue<string[]>(1), watch.Elapsed.TotalMilliseconds);
    }

    public Task WakeAsync()
    {
        Wake();
        return Task.CompletedTask;
    }

    private async Task<TenantSnapshot?> LoadAsync(TenantSlug slug) =>
        await TenantSnapshots.LoadAsync(dataSources.Registry, slug.Value, catalog, CancellationToken.None) is { } snapshot
            ? snapshot with { LockWait = _lockWait }
            : null;

    private TenantSlug RequireSlug() => _slug ?? TenantSlug.Parse(this.GetPrimaryKeyString());

    private static string ValidateDisplayName(string? value)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            throw new TenantValidationException("displayName", "The displayName is required.");
        }

        if (trimmed.Length > MaxDisplayNameLength)
        {
            throw new TenantValidationException("displayName", $"The displayName is {trimmed.Length} characters; at most {MaxDisplayNameLength} are allowed.");
        }

        if (trimmed.Any(char.IsControl))
        {
            throw new TenantValidationException("displayName", "The displayName may not contain control characters.");
        }

        return trimmed;
    }

    // Grain code runs on the activation's one thread, so the pool and the status cache need no lock.
    private TenantPool Pool() => _pool ??= pools.Create(RequireSlug());

    private async Task ClosePoolAsync()
    {
        var pool = _pool;
        _pool = null;
        if (pool is not null)
        {
            await pool.DisposeAsync();
        }
    }

    /// <summary>Queues one drive turn unless one is queued already (see <see cref="QueuedDrive"/>).</summary>
    private void Wake()
    {
        if (_slug is { } slug)
        {
            _drive.Request(() => this.AsReference<ITenantDrive>().DriveAsync(), ex => LogDriveFailed(logger, slug.Value, ex));
        }
    }
}
