using System.Text.RegularExpressions;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Tenants.Steps;
using Npgsql;

namespace ControlPlane.Grains.Tenants.Copies;

/// <summary>
/// What versions 1..N of the catalogue produce: applied to a scratch schema inside a savepoint of the caller's
/// transaction, read, and rolled back, so nothing of it is ever seen or kept.
/// </summary>
public static partial class ReferenceStructure
{
    public static async Task<SchemaStructure> BuildAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, MigrationSet catalogue, int version, CancellationToken cancellationToken)
    {
        var scratch = $"cp_reference_{Guid.NewGuid():N}";
        await transaction.SaveAsync("reference", cancellationToken);
        try
        {
            await ExecuteAsync(connection, transaction, $"CREATE SCHEMA {PgIdentifier.Quote(scratch)}; SET LOCAL search_path TO {PgIdentifier.Quote(scratch)}", cancellationToken);
            foreach (var script in catalogue.Scripts.Where(s => s.Version <= version))
            {
                foreach (var statement in script.Statements)
                {
                    // A no-transaction migration builds its indexes CONCURRENTLY; the index it leaves is the same one.
                    await ExecuteAsync(connection, transaction, script.Transactional ? statement : Concurrently().Replace(statement, string.Empty), cancellationToken);
                }
            }

            return await SchemaStructure.ReadAsync(connection, transaction, scratch, cancellationToken) with { Schema = "the model" };
        }
        catch (PostgresException ex)
        {
            throw new StepFailedException($"The catalogue's versions 1..{version} do not apply to a scratch schema: {ex.SqlState}: {ex.MessageText}", retryable: false);
        }
        finally
        {
            await transaction.RollbackAsync("reference", CancellationToken.None);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [GeneratedRegex(@"\bCONCURRENTLY\b", RegexOptions.IgnoreCase)]
    private static partial Regex Concurrently();
}
