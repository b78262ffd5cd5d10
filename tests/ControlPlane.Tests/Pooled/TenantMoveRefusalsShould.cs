using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Pooled;

/// <summary>
/// Moves refused because source and target would not be at one version: the schema tier's catalogue is a version
/// ahead of the pooled one here (V0004), and a rollout open changes either side.
/// </summary>
public sealed class TenantMoveRefusalsShould : IAsyncLifetime
{
    private readonly MigrationFolder _migrations = new();
    private readonly PooledMigrationFolder _pooledMigrations = new();
    private TestDatabase _database = null!;
    private SiloFactory _silo = null!;
    private TenantsClient _client = null!;

    public async Task InitializeAsync()
    {
        _migrations.Write("V0004__team_notes.sql", "ALTER TABLE teams ADD COLUMN notes text;");
        _database = await TestDatabase.CreateAsync();
        _silo = new SiloFactory(_database.ConnectionString, new Dictionary<string, string?>
        {
            [_migrations.Setting.Key] = _migrations.Setting.Value,
            [_pooledMigrations.Setting.Key] = _pooledMigrations.Setting.Value,
        });
        _client = _silo.CreateAdminClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _silo.DisposeAsync();
        await _database.DisposeAsync();
        _migrations.Dispose();
        _pooledMigrations.Dispose();
    }

    [Fact]
    public async Task Refuse_a_move_to_the_pooled_tier_with_409_when_the_pooled_schema_is_at_another_version()
    {
        var slug = TestSlugs.New("mv_ver");
        await _client.OnboardAsync(slug);

        using var asked = await TenantMoves.AskAsync(_client, slug, "pooled");
        var problem = await Problem.ReadAsync(asked);
        var tenant = await _client.GetAsync(slug);

        Assert.Equal(HttpStatusCode.Conflict, asked.StatusCode);
        Assert.Contains("at version 3", problem.Detail, StringComparison.Ordinal);
        Assert.Contains("at 4", problem.Detail, StringComparison.Ordinal);
        Assert.Equal("schema", tenant!.Tier);
        Assert.Null(tenant.Move);
        Assert.Equal(4, tenant.MigrationVersion);
    }

    [Fact]
    public async Task Refuse_a_move_with_409_naming_the_open_rollout_and_move_at_the_tenants_own_version_once_it_is_cancelled()
    {
        var slug = TestSlugs.New("mv_roll");
        await _client.OnboardPooledAsync(slug);

        // The pooled schema was made at V0003; its catalogue gains V0004 too, so that a rollout to V0004 can open.
        _pooledMigrations.Write("V0004__team_notes.sql", "ALTER TABLE teams ADD COLUMN notes text;");
        var rollouts = new RolloutsClient(_client.Http);
        var id = await rollouts.StartOkAsync(new { notBefore = DateTimeOffset.UtcNow.AddHours(2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) });
        HttpResponseMessage during;
        try
        {
            during = await TenantMoves.AskAsync(_client, slug, "schema");
        }
        finally
        {
            using var cancelled = await rollouts.ActAsync(id, "cancel");
            cancelled.EnsureSuccessStatusCode();
        }

        using var refused = during;
        var problem = await Problem.ReadAsync(refused);
        using var asked = await TenantMoves.AskAsync(_client, slug, "schema");
        var moved = await TenantMoves.WaitForEndAsync(_client, slug, "schema");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains(id, problem.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, asked.StatusCode);
        Assert.Equal(3, moved.MigrationVersion);
        Assert.Equal([1, 2, 3], await _database.QueryAsync<int>("SELECT version FROM controlplane.tenant_migrations WHERE slug = $1 ORDER BY version", slug));
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'notes'", $"tenant_{slug}.teams"));
    }
}
