using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ControlPlane.Grains.Registry;

/// <summary>
/// Creates and upgrades the registry schema. Every silo runs it at start; an advisory transaction lock
/// serializes silos starting together, and each upgrade is applied once, in one transaction with its record.
/// </summary>
public sealed partial class RegistrySchema(ILogger<RegistrySchema> logger)
{
    /// <summary>The registry's schema name.</summary>
    public const string Name = "controlplane";

    // Arbitrary constant: the advisory lock key that serializes registry upgrades across silos.
    private const long UpgradeLockKey = 0x436f6e74726f6c; // "Control"

    /// <summary>Every registry upgrade shipped with this build, in order.</summary>
    public static IReadOnlyList<RegistryUpgrade> Upgrades { get; } = LoadUpgrades();

    /// <summary>The version this build expects.</summary>
    public static int CurrentVersion => Upgrades[^1].Version;

    /// <summary>Brings the registry to <see cref="CurrentVersion"/>; returns how many upgrades it applied.</summary>
    public async Task<int> UpgradeAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var prepare = new NpgsqlCommand(
            $"""
            SELECT pg_advisory_xact_lock({UpgradeLockKey});
            CREATE SCHEMA IF NOT EXISTS {Name};
            REVOKE ALL ON SCHEMA {Name} FROM PUBLIC;
            CREATE TABLE IF NOT EXISTS {Name}.schema_version (
                version     integer PRIMARY KEY,
                description text NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT clock_timestamp());
            """,
            connection,
            transaction))
        {
            await prepare.ExecuteNonQueryAsync(cancellationToken);
        }

        var current = await GetVersionAsync(connection, transaction, cancellationToken);
        if (current > CurrentVersion)
        {
            throw new InvalidOperationException(
                $"The registry is at version {current}, newer than this silo's {CurrentVersion}; run a silo of the newer build.");
        }

        // Upgrades are applied by the set of recorded versions, not above the highest one: upgrades numbered on
        // separate branches may ship out of order, and a registry that took a later one must still get the earlier.
        var recorded = await RecordedVersionsAsync(connection, transaction, cancellationToken);
        var applied = 0;
        foreach (var upgrade in Upgrades.Where(u => !recorded.Contains(u.Version)))
        {
            await using var command = new NpgsqlCommand(upgrade.Sql, connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken);
            await using var record = new NpgsqlCommand(
                $"INSERT INTO {Name}.schema_version (version, description) VALUES (@version, @description)", connection, transaction);
            record.Parameters.AddWithValue("version", upgrade.Version);
            record.Parameters.AddWithValue("description", upgrade.Description);
            await record.ExecuteNonQueryAsync(cancellationToken);
            LogUpgraded(logger, upgrade.Version, upgrade.Description);
            applied++;
        }

        await EnsureTenantGroupAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return applied;
    }

    /// <summary>
    /// The group role tenant roles join for CONNECT, granted here once (under the upgrade lock) rather than per tenant.
    /// The grant is explicit, so tenants keep working where CONNECT has been revoked from PUBLIC.
    /// </summary>
    private static async Task EnsureTenantGroupAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var group = Tenants.Steps.TenantRoles.GroupRole;
        await using var command = new NpgsqlCommand(
            $$"""
            DO $do$
            BEGIN
                IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{{group}}') THEN
                    -- Roles are cluster-wide and our upgrade lock is per database: another database's control plane
                    -- may create the group at the same moment.
                    BEGIN
                        CREATE ROLE {{group}} NOLOGIN;
                    EXCEPTION WHEN duplicate_object OR unique_violation THEN
                        NULL;
                    END;
                END IF;
                IF NOT EXISTS (
                    SELECT FROM pg_catalog.pg_database d, aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a
                    WHERE d.datname = current_database() AND a.grantee = '{{group}}'::regrole AND a.privilege_type = 'CONNECT') THEN
                    EXECUTE format('GRANT CONNECT ON DATABASE %I TO {{group}}', current_database());
                END IF;
            END
            $do$;
            """,
            connection,
            transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<HashSet<int>> RecordedVersionsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT version FROM {Name}.schema_version", connection, transaction);
        var versions = new HashSet<int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    /// <summary>The registry's version, or 0 when it does not exist yet.</summary>
    public static async Task<int> GetVersionAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT CASE WHEN to_regclass('{Name}.schema_version') IS NULL THEN 0 ELSE (SELECT coalesce(max(version), 0) FROM {Name}.schema_version) END",
            connection,
            transaction);
        try
        {
            return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }

    private static List<RegistryUpgrade> LoadUpgrades()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var upgrades = new List<RegistryUpgrade>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("Registry.", StringComparison.Ordinal)))
        {
            var match = UpgradeName().Match(resource);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Registry upgrade '{resource}' is not named R<version>__<description>.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            upgrades.Add(new RegistryUpgrade(
                int.Parse(match.Groups["version"].Value, System.Globalization.CultureInfo.InvariantCulture),
                match.Groups["description"].Value.Replace('_', ' '),
                reader.ReadToEnd()));
        }

        upgrades.Sort((a, b) => a.Version.CompareTo(b.Version));
        return upgrades;
    }

    [GeneratedRegex(@"^Registry\.R(?<version>\d+)__(?<description>[A-Za-z0-9_]+)\.sql$")]
    private static partial Regex UpgradeName();

    [LoggerMessage(Level = LogLevel.Information, Message = "Registry upgraded to version {Version} ({Description})")]
    private static partial void LogUpgraded(ILogger logger, int version, string description);
}

/// <summary>One shipped registry upgrade.</summary>
public sealed record RegistryUpgrade(int Version, string Description, string Sql);
