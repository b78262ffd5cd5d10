using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Database;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Pooled;

/// <summary>What the move tests share: asking for a move, waiting for its end, rows added by SQL, and what is left where.</summary>
internal static class TenantMoves
{
    private static readonly string[] DataSets = ["teams", "users", "components", "environments", "tags", "versions"];

    public static Task<HttpResponseMessage> AskAsync(TenantsClient client, string slug, string tier) =>
        client.Http.PostAsJsonAsync($"/v1/tenants/{slug}/move", new { tier });

    /// <summary>Waits until the tenant is Active in <paramref name="tier"/> with no move running.</summary>
    public static Task<TenantResponse> WaitForEndAsync(TenantsClient client, string slug, string tier, TimeSpan? timeout = null) =>
        client.WaitForStateAsync(slug, ControlPlane.Grains.Tenants.TenantStatus.Active, timeout ?? TimeSpan.FromSeconds(60), t => t.Move is null && t.Tier == tier);

    /// <summary>Every data set as the tenant's callers read it (ids included), one JSON text per set.</summary>
    public static async Task<List<string>> AnswersAsync(HttpClient tenant)
    {
        var answers = new List<string>();
        foreach (var set in DataSets)
        {
            using var response = await tenant.GetAsync($"/v1/me/{set}?limit=500");
            answers.Add($"{set} {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return answers;
    }

    /// <summary>Teams, users (with gaps in the ids) and components of a pooled tenant, inserted as another tool would.</summary>
    public static string PooledRows(string schema, string slug, int users = 300)
    {
        var s = PgIdentifier.Quote(schema);
        var t = PgIdentifier.Literal(slug);
        return $"""
            INSERT INTO {s}.teams (tenant_id, name) SELECT {t}, 'team ' || g FROM generate_series(1, 5) g;
            INSERT INTO {s}.users (tenant_id, email, name, team_id)
                SELECT {t}, 'u' || g || '@example.com', 'user ' || g, (SELECT min(id) FROM {s}.teams WHERE tenant_id = {t}) FROM generate_series(1, {users}) g;
            DELETE FROM {s}.users WHERE tenant_id = {t} AND id % 7 = 0;
            INSERT INTO {s}.components (tenant_id, name) SELECT {t}, 'component ' || g FROM generate_series(1, 50) g;
            """;
    }

    /// <summary>The tenant's rows left in the pooled schema, over every table with a tenant_id (the control table included).</summary>
    public static async Task<long> PooledRowsLeftAsync(TestDatabase database, string schema, string slug)
    {
        var tables = await database.QueryAsync<string>(
            "SELECT c.relname::text FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' WHERE n.nspname = $1 AND c.relkind = 'r'",
            schema);
        long left = 0;
        foreach (var table in tables)
        {
            left += await database.ScalarAsync<long>($"SELECT count(*) FROM {PgIdentifier.Quote(schema)}.{PgIdentifier.Quote(table)} WHERE tenant_id = $1", slug);
        }

        return left;
    }

    /// <summary>Schemas, roles and version records the tenant's own schema tier would have.</summary>
    public static async Task<long> OwnObjectsLeftAsync(TestDatabase database, string slug) =>
        await database.ScalarAsync<long>("SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = $1", $"tenant_{slug}")
        + await database.ScalarAsync<long>("SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname = $1", $"tenant_{slug}")
        + await database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_migrations WHERE slug = $1", slug);
}
