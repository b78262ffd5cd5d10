using ControlPlane.Grains.Database;
using ControlPlane.Registry.Contracts.ApiKeys;
using Npgsql;

namespace ControlPlane.Grains.ApiKeys;

/// <summary>API keys in <c>controlplane.api_keys</c>, over the registry pool.</summary>
public sealed class ApiKeyRegistry(ControlPlaneDataSources dataSources) : IApiKeyRegistry
{
    private const string Columns = "id, name, scope, prefix, created_at, created_by, revoked_at";

    public async Task<ApiKeyRecord> CreateAsync(ApiKeyDraft draft, CancellationToken cancellationToken)
    {
        await using var command = dataSources.Registry.CreateCommand(
            $"INSERT INTO controlplane.api_keys (id, name, scope, prefix, key_hash, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING {Columns}");
        command.Parameters.Add(new() { Value = Guid.CreateVersion7() });
        command.Parameters.Add(new() { Value = draft.Name });
        command.Parameters.Add(new() { Value = draft.Scope });
        command.Parameters.Add(new() { Value = draft.Prefix });
        command.Parameters.Add(new() { Value = draft.Hash });
        command.Parameters.Add(new() { Value = (object?)draft.CreatedBy ?? DBNull.Value });
        try
        {
            return (await ReadAsync(command, cancellationToken)).Single();
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == "api_keys_live_name")
        {
            throw new ApiKeyConflictException(draft.Name);
        }
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSources.Registry.CreateCommand($"SELECT {Columns} FROM controlplane.api_keys ORDER BY created_at, id");
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<ApiKeyRecord?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSources.Registry.CreateCommand($"SELECT {Columns} FROM controlplane.api_keys WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        return (await ReadAsync(command, cancellationToken)).SingleOrDefault();
    }

    public async Task<ApiKeyRecord?> RevokeAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSources.Registry.CreateCommand(
            $"UPDATE controlplane.api_keys SET revoked_at = coalesce(revoked_at, clock_timestamp()) WHERE id = $1 RETURNING {Columns}");
        command.Parameters.Add(new() { Value = id });
        return (await ReadAsync(command, cancellationToken)).SingleOrDefault();
    }

    public async Task<ApiKeyRecord?> FindActiveAsync(byte[] hash, CancellationToken cancellationToken)
    {
        await using var command = dataSources.Registry.CreateCommand(
            $"SELECT {Columns} FROM controlplane.api_keys WHERE key_hash = $1 AND revoked_at IS NULL");
        command.Parameters.Add(new() { Value = hash });
        return (await ReadAsync(command, cancellationToken)).SingleOrDefault();
    }

    private static async Task<List<ApiKeyRecord>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var keys = new List<ApiKeyRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new ApiKeyRecord(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return keys;
    }
}
