using ControlPlane.Grains.Cluster;
using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Registry;
using Npgsql;

namespace ControlPlane.Grains.Tenants;

/// <summary>
/// Takes a tenant's registry row FOR UPDATE (the per-tenant lock that serializes turns cluster-wide) and reads,
/// by the database's clock, whether this silo is still a live member and whether it may hold the tenant's lease.
/// </summary>
public static class TenantLock
{
    /// <summary>Locks the row inside <paramref name="transaction"/>; null when the tenant does not exist.</summary>
    public static async Task<LockedTenant?> AcquireAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string slug,
        string siloId,
        TimeSpan heartbeatExpiry,
        CancellationToken cancellationToken,
        bool asynchronousCommit = false,
        NpgsqlBatchCommand? registration = null,
        bool askLeftMidway = false,
        Steps.UnitPrelude? prelude = null)
    {
        // A registration in the same round trip (TenantRows.Registration): the row it inserts is the one locked here.
        // NOWAIT then: when the slug exists and another turn holds its row, the POST must not wait for that turn (the
        // error ends the attempt, and the caller registers the tenant as any other).
        await using var batch = new NpgsqlBatch(connection, transaction);
        if (registration is not null)
        {
            batch.BatchCommands.Add(registration);
        }

        var command = new NpgsqlBatchCommand(
            $"""
            SELECT {FenceColumns(askLeftMidway ? "$1" : null, asynchronousCommit)}
            FROM controlplane.tenants t
            WHERE t.slug = $1
            FOR UPDATE OF t{(registration is not null ? " NOWAIT" : string.Empty)}
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = slug });
        command.Parameters.Add(new NpgsqlParameter { Value = siloId });
        command.Parameters.Add(new NpgsqlParameter { Value = heartbeatExpiry });
        batch.BatchCommands.Add(command);

        // The applied migrations come in the same round trip: the migrate step needs them, and the row is locked now.
        // The activation's recovery check (TenantGrain.Invoke) is a column of the lock's query when asked, not a
        // statement of its own: each statement costs the server a parse, bind and execute, for every tenant of a rollout.
        batch.BatchCommands.Add(AppliedMigrations.Select(slug));

        // A unit known before the lock answers (a registration's) sends its statements here too; they run after the lock.
        foreach (var ahead in prelude?.Commands ?? [])
        {
            batch.BatchCommands.Add(ahead);
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var registered = false;
        if (registration is not null)
        {
            registered = await reader.ReadAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken);
        }

        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var locked = ReadFenced(reader);
        await reader.NextResultAsync(cancellationToken);
        var applied = await AppliedMigrations.ReadAllAsync(reader, cancellationToken);
        if (prelude is not null && await reader.NextResultAsync(cancellationToken))
        {
            await prelude.ReadAsync(reader, cancellationToken);
        }

        return locked with { Applied = applied, Registered = registered };
    }

    /// <summary>
    /// Locks the rows of several tenants in one statement, for a migration group (Tenants/Groups): the rows come in slug
    /// order by the primary key (R0029 keeps the trigram index out of equality on slug), so two groups never wait on
    /// each other in a cycle, and a row another transaction holds is skipped rather
    /// than waited for (its tenant is missing from the answer, as is one that does not exist, and runs alone). Each
    /// tenant's recovery question is asked as a column, as for its first lock alone.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, LockedTenant>> AcquireManyAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        IReadOnlyList<string> slugs,
        string siloId,
        TimeSpan heartbeatExpiry,
        bool asynchronousCommit,
        CancellationToken cancellationToken)
    {
        // Planned once: given the array, the planner finds a plan for its exact length cheaper than a generic one, so it
        // would plan the query afresh on every call (0.45 ms each, more than the query). The setting is the
        // transaction's, and the group's other statements are generic already.
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands = { new NpgsqlBatchCommand("SELECT pg_catalog.set_config('plan_cache_mode', 'force_generic_plan', true)") },
        };
        var command = new NpgsqlBatchCommand(
            $"""
            SELECT {FenceColumns("t.slug", asynchronousCommit)}
            FROM controlplane.tenants t
            WHERE t.slug = ANY($1)
            ORDER BY t.slug
            FOR UPDATE OF t SKIP LOCKED
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = slugs.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = siloId });
        command.Parameters.Add(new NpgsqlParameter { Value = heartbeatExpiry });
        batch.BatchCommands.Add(command);
        batch.BatchCommands.Add(AppliedMigrations.SelectMany(slugs));

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var locked = new Dictionary<string, LockedTenant>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            var one = ReadFenced(reader);
            locked[one.Row.Slug] = one;
        }

        await reader.NextResultAsync(cancellationToken);
        var applied = await AppliedMigrations.ReadManyAsync(reader, cancellationToken);
        foreach (var (slug, tenant) in locked)
        {
            // Only the locked tenants' records count: a skipped row's could change before its own lock.
            locked[slug] = tenant with { Applied = applied.TryGetValue(slug, out var records) ? records : [] };
        }

        return locked;
    }

    // The row and the fence's facts, read by the database's clock; $2 is this silo, $3 the heartbeat expiry.
    private static string FenceColumns(string? askLeftMidwayOf, bool asynchronousCommit) =>
        $"""
        {TenantRows.Columns},
               t.next_attempt_at IS NOT NULL AND t.next_attempt_at <= clock_timestamp() AS due,
               {LeaseFence.Claimable("t.lease_owner", "$2", "$3")} AS claimable,
               {LeaseFence.IsLive("$2", "$3")} AS self_alive,
               clock_timestamp() AS db_now,
               {(askLeftMidwayOf is not null ? Backups.BackupRows.LeftMidwayCondition(askLeftMidwayOf) : "false")} AS left_midway{(asynchronousCommit ? ",\n       pg_catalog.set_config('synchronous_commit', 'off', true)" : string.Empty)}
        """;

    private static LockedTenant ReadFenced(NpgsqlDataReader reader)
    {
        const int extra = TenantRows.ColumnCount;
        return new LockedTenant(
            TenantRows.Read(reader),
            Due: reader.GetBoolean(extra),
            Claimable: reader.GetBoolean(extra + 1),
            SelfAlive: reader.GetBoolean(extra + 2),
            DbNow: reader.GetFieldValue<DateTimeOffset>(extra + 3))
        {
            LeftMidway = reader.GetBoolean(extra + 4),
        };
    }
}

/// <summary>A tenant row held FOR UPDATE, with the fence facts read alongside it.</summary>
/// <param name="Row">The row as locked.</param>
/// <param name="Due">Work is scheduled for now or earlier.</param>
/// <param name="Claimable">The lease is free, ours, or held by a silo that is no longer live.</param>
/// <param name="SelfAlive">This silo incarnation is still a live member; when false it must write nothing.</param>
/// <param name="DbNow">The database's clock, which schedules retries (silo clocks need not agree).</param>
public sealed record LockedTenant(TenantRow Row, bool Due, bool Claimable, bool SelfAlive, DateTimeOffset DbNow)
{
    /// <summary>The tenant's migration records, read with the lock.</summary>
    public IReadOnlyList<AppliedMigration> Applied { get; init; } = [];

    /// <summary>The registration sent with the lock inserted the row (false: the slug existed).</summary>
    public bool Registered { get; init; }

    /// <summary>Asked with the lock: a dead silo left a backup or restore of this tenant mid-way, to recover first.</summary>
    public bool LeftMidway { get; init; }
}
