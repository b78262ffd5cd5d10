using System.Diagnostics;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Registry;
using Npgsql;

namespace ControlPlane.Grains.Tenants.Steps;

/// <summary>
/// A migration marked <c>-- controlplane:no-transaction</c> (for <c>CREATE INDEX CONCURRENTLY</c>) runs in three
/// phases: recorded as Running under the tenant lock, run statement by statement outside any transaction, then
/// confirmed under the lock. A failure leaves it NeedsRepair, never Applied; the retry first drops invalid
/// indexes it left behind.
/// </summary>
public static class NoTransactionMigration
{
    /// <summary>Phase one, in the locked transaction: repair a failed earlier run if needed, then record Running.</summary>
    public static async Task<StepOutcome> BeginAsync(StepContext context, MigrationScript script, bool repair)
    {
        var detail = $"V{script.Version:0000} {script.Name} starting outside a transaction";
        if (repair)
        {
            // DROP INDEX locks the table like any other DDL: under the unit's short lock timeout too.
            var dropped = await context.UnderTimeoutsAsync(() => DropInvalidIndexesAsync(context));
            detail += dropped.Count == 0 ? " (retry)" : $" (retry; dropped invalid indexes {string.Join(", ", dropped)})";
        }

        await using (var record = new NpgsqlBatch(context.Connection, context.Transaction))
        {
            record.BatchCommands.Add(AppliedMigrations.Upsert(context.Row.Slug, script, AppliedMigrationStatus.Running, 0));
            await record.ExecuteNonQueryAsync(context.CancellationToken);
        }

        return new StepOutcome(context.Row, new TenantEventDraft(context.Row.State, context.Row.State, ProvisioningStep.Migrate, detail, context.Row.Attempts + 1));
    }

    /// <summary>
    /// Phase two, with no transaction open: each statement on its own, on the tenant's schema, under
    /// <paramref name="timeouts"/> set for the session (there is no transaction to scope them) and reset afterwards.
    /// </summary>
    public static async Task<TimeSpan> RunAsync(NpgsqlConnection connection, TenantSlug slug, MigrationScript script, Locks.DdlTimeouts timeouts, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await using (var path = new NpgsqlCommand($"SET search_path TO {PgIdentifier.Quote(slug.SchemaName)}; {timeouts.SetSession()}", connection))
        {
            await path.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            foreach (var statement in SqlStatementSplitter.Split(script.Sql))
            {
                await using var command = new NpgsqlCommand(statement, connection) { CommandTimeout = 0 };
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        catch (PostgresException ex)
        {
            throw new MigrationFailedException(script, ex);
        }
        finally
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                // The work pool does not reset connections it takes back (NoResetOnClose): the next tenant must not inherit these.
                await using var reset = new NpgsqlCommand($"RESET search_path; {Locks.DdlTimeouts.ResetSession}", connection);
                await reset.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }

        return watch.Elapsed;
    }

    /// <summary>Phase three, in a new locked transaction: the migration is applied.</summary>
    public static async Task<StepOutcome> ConfirmAsync(StepContext context, MigrationScript script, int target, TimeSpan took)
    {
        await using (var record = new NpgsqlBatch(context.Connection, context.Transaction))
        {
            record.BatchCommands.Add(AppliedMigrations.Upsert(context.Row.Slug, script, AppliedMigrationStatus.Applied, took.TotalMilliseconds));
            await record.ExecuteNonQueryAsync(context.CancellationToken);
        }

        return MigrateStep.Applied(context, script, target, took);
    }

    /// <summary>After a failed run, in a new locked transaction: the record says NeedsRepair.</summary>
    public static NpgsqlBatchCommand MarkNeedsRepair(string slug, MigrationScript script) =>
        AppliedMigrations.Upsert(slug, script, AppliedMigrationStatus.NeedsRepair, 0);

    private static async Task<List<string>> DropInvalidIndexesAsync(StepContext context)
    {
        var invalid = new List<string>();
        await using (var find = context.Command(
            """
            SELECT c.relname FROM pg_catalog.pg_index i
            JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND NOT i.indisvalid
            """))
        {
            find.Parameters.Add(new() { Value = context.Slug.SchemaName });
            await using var reader = await find.ExecuteReaderAsync(context.CancellationToken);
            while (await reader.ReadAsync(context.CancellationToken))
            {
                invalid.Add(reader.GetString(0));
            }
        }

        foreach (var index in invalid)
        {
            await context.ExecuteAsync($"DROP INDEX IF EXISTS {PgIdentifier.Quote(context.Slug.SchemaName)}.{PgIdentifier.Quote(index)}");
        }

        return invalid;
    }
}
