using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace ControlPlane.Testing;

/// <summary>
/// Many tenants registered in one statement straight into the registry (rows and their Requested/Active timeline
/// entries; no schemas, no roles): what the operator view reads, at 20,000 tenants in seconds. Only for read tests
/// and read benchmarks: nothing drives these tenants (no work is due), and their schemas do not exist. Every tenant's
/// state, version, plan label, name and onboarding latency is a function of its number, so a test can say what it
/// expects without reading the registry.
/// </summary>
public sealed class RegisteredFleet(string prefix, int count)
{
    private static readonly string[] Names = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell", "Cyberdyne", "Soylent"];

    public string Prefix { get; } = prefix;

    public int Count { get; } = count;

    public IEnumerable<int> Numbers => Enumerable.Range(0, Count);

    public string Slug(int i) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{i:00000}");

    /// <summary>A name from ten companies, so a search for one of them finds a tenth of the fleet.</summary>
    public static string DisplayName(int i) => string.Create(CultureInfo.InvariantCulture, $"{Names[i % Names.Length]} Holding {i}");

    /// <summary>Mostly Active; one in twenty Failed, Suspended or Requested each.</summary>
    public static string State(int i) => (i % 20) switch { 0 => "Failed", 1 => "Suspended", 2 => "Requested", _ => "Active" };

    /// <summary>Seven in ten at version 3, the rest at 2 (a rollout under way).</summary>
    public static int Version(int i) => i % 10 < 7 ? 3 : 2;

    public static string Plan(int i) => (i % 3) switch { 0 => "free", 1 => "pro", _ => "enterprise" };

    /// <summary>From a Requested entry to the Active one (tenants that reached Active): 3 ms to about 3 s.</summary>
    public static double OnboardingMs(int i) => 3 + (i % 7) * (i % 11) * 50.0;

    /// <summary>Whether the tenant's timeline has an Active entry (it got there; Failed ones did not).</summary>
    public static bool ReachedActive(int i) => State(i) is "Active" or "Suspended";

    /// <summary>Registers the fleet in one round trip and analyzes the tables, so plans are those of a settled registry.</summary>
    public async Task RegisterAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            WITH f AS (
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::float8[], $7::int[])
                    AS f(slug, display_name, state, version, plan, onboarding_ms, age_s)),
            t AS (
                INSERT INTO controlplane.tenants (slug, display_name, schema_name, role_name, state, migration_version, labels, created_at, updated_at, activated_at)
                SELECT slug, display_name, 'tenant_' || slug, 'tenant_' || slug, state, version, jsonb_build_object('plan', plan),
                       now() - make_interval(secs => age_s), now() - make_interval(secs => age_s),
                       CASE WHEN state IN ('Active', 'Suspended')
                            THEN now() - make_interval(secs => age_s) + make_interval(secs => onboarding_ms / 1000) END
                FROM f
                RETURNING slug, created_at),
            requested AS (
                INSERT INTO controlplane.tenant_events (slug, at, from_state, to_state, detail)
                SELECT slug, created_at, NULL, 'Requested', 'onboarding requested (registered fleet)' FROM t)
            INSERT INTO controlplane.tenant_events (slug, at, from_state, to_state, step, detail)
            SELECT t.slug, t.created_at + make_interval(secs => f.onboarding_ms / 1000), 'Seeded', 'Active', 'Activate', 'registered fleet'
            FROM t JOIN f USING (slug)
            WHERE f.state IN ('Active', 'Suspended')
            """,
            connection);
        var numbers = Numbers.ToArray();
        command.Parameters.Add(new NpgsqlParameter { Value = numbers.Select(Slug).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = numbers.Select(DisplayName).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = numbers.Select(State).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = numbers.Select(Version).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = numbers.Select(Plan).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = numbers.Select(OnboardingMs).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double });
        // Created between 2 and 50 minutes ago, so every onboarding falls inside a one-hour window.
        command.Parameters.Add(new NpgsqlParameter { Value = numbers.Select(i => 120 + i % 2880).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        command.CommandTimeout = 300;
        await command.ExecuteNonQueryAsync(cancellationToken);
        await using var analyze = new NpgsqlCommand("ANALYZE controlplane.tenants; ANALYZE controlplane.tenant_events", connection);
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }
}
