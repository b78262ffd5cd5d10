using System.Security.Cryptography;
using Npgsql;

namespace ControlPlane.Grains.Registry;

/// <summary>Cluster-wide settings kept in the registry (shared by every silo on one database).</summary>
public static class RegistrySettings
{
    /// <summary>Returns the setting, creating it with <paramref name="create"/> if no silo has yet (first writer wins).</summary>
    public static async Task<string> GetOrCreateAsync(NpgsqlDataSource dataSource, string key, Func<string> create, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            WITH inserted AS (
                INSERT INTO controlplane.settings (key, value) VALUES (@key, @value)
                ON CONFLICT (key) DO NOTHING
                RETURNING value)
            SELECT value FROM inserted
            UNION ALL
            SELECT value FROM controlplane.settings WHERE key = @key
            LIMIT 1
            """);
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("value", create());

        // A silo racing us may commit the row after our snapshot: then neither branch sees it, and a second look does.
        for (var attempt = 0; ; attempt++)
        {
            if (await command.ExecuteScalarAsync(cancellationToken) is string value)
            {
                return value;
            }

            if (attempt == 2)
            {
                throw new InvalidOperationException($"The registry setting '{key}' could not be read or created.");
            }
        }
    }

    /// <summary>A new random secret for a setting.</summary>
    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
