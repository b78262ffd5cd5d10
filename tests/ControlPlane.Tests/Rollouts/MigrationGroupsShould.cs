using ControlPlane.Grains.Rollouts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;
using Npgsql;

namespace ControlPlane.Tests.Rollouts;

/// <summary>
/// Migration groups: a rollout's tenants waiting for the one work connection commit together, each with its own
/// version record, row and timeline in the same transaction; a failing member or a held lock sends its tenant to run
/// alone without costing the others theirs. Real silo, real PostgreSQL transactions (told apart by their xmin).
/// </summary>
public sealed class MigrationGroupsShould
{
    private const string AddOwner = "ALTER TABLE components ADD COLUMN owner text;";

    // One work connection: every tenant in flight beyond the first waits for it, so groups form.
    private static readonly (string, string)[] OneConnection = [("ControlPlane:Database:WorkConnections", "1")];

    [Fact]
    public async Task Commit_several_tenants_in_one_transaction_each_with_its_own_version_record_row_and_timeline()
    {
        await using var fixture = await RolloutFixture.StartAsync(OneConnection);
        var slugs = await fixture.OnboardAsync("grouped", 12);
        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);

        var id = await fixture.Rollouts.StartOkAsync(new { });
        var done = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Completed);

        Assert.Equal(16, done.MaxParallel); // one work connection: a group of the default size running, one waiting
        Assert.Equal(12, done.Totals.Succeeded);
        var transactions = await fixture.Database.ScalarAsync<long>(
            "SELECT count(DISTINCT m.xmin::text) FROM controlplane.tenant_migrations m WHERE m.slug = ANY($1) AND m.version = 4", (object)slugs);
        Assert.True(transactions < 12, $"12 tenants' V0004 records were committed by {transactions} transactions");

        // Each tenant's record, row and timeline entry were written by the same transaction, with its DDL.
        var paired = await fixture.Database.ScalarAsync<long>(
            """
            SELECT count(*) FROM controlplane.tenants t
            JOIN controlplane.tenant_migrations m ON m.slug = t.slug AND m.version = 4 AND m.xmin::text = t.xmin::text
            JOIN controlplane.tenant_events e ON e.slug = t.slug AND e.detail LIKE 'applied V0004%' AND e.xmin::text = t.xmin::text
            WHERE t.slug = ANY($1) AND t.migration_version = 4
            """, (object)slugs);
        Assert.Equal(12, paired);

        // Each record keeps its own migration's duration, measured by the server around that tenant's DDL alone.
        var durations = await fixture.Database.QueryAsync<double>(
            "SELECT duration_ms FROM controlplane.tenant_migrations WHERE slug = ANY($1) AND version = 4", (object)slugs);
        Assert.Equal(12, durations.Count);
        Assert.All(durations, ms => Assert.InRange(ms, 0.001, 10_000));
        Assert.True(durations.Distinct().Count() > 1, $"durations {string.Join(", ", durations)}");
        foreach (var slug in slugs)
        {
            Assert.Equal(1, await fixture.Database.ScalarAsync<long>(
                "SELECT count(*) FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'components' AND column_name = 'owner'", $"tenant_{slug}"));
            var tenant = await fixture.Tenants.GetAsync(slug);
            Assert.Equal(TenantStatus.Active, tenant!.State);
            Assert.Contains(tenant.Timeline, e => e.Detail == $"applied V0004 add component owner for rollout {id}");
        }
    }

    [Fact]
    public async Task Fail_only_the_tenant_whose_migration_fails_and_commit_the_rest_of_its_group()
    {
        await using var fixture = await RolloutFixture.StartAsync(OneConnection);
        var slugs = await fixture.OnboardAsync("groupfail", 8);
        var broken = slugs[3];
        await fixture.Database.ExecuteAsync($"ALTER TABLE \"tenant_{broken}\".components ADD COLUMN owner text");
        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);

        var id = await fixture.Rollouts.StartOkAsync(new { failureThreshold = 1.0 });
        var done = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Completed);

        Assert.Equal(7, done.Totals.Succeeded);
        var failure = Assert.Single(done.FailedTenants);
        Assert.Equal(broken, failure.Slug);
        Assert.Contains(PostgresErrorCodes.DuplicateColumn, failure.Error, StringComparison.Ordinal);
        foreach (var slug in slugs.Where(s => s != broken))
        {
            Assert.Equal(4, await fixture.VersionAsync(slug));
        }

        var tenant = await fixture.Tenants.GetAsync(broken);
        Assert.Equal(3, tenant!.MigrationVersion);
        Assert.Equal(TenantStatus.Active, tenant.State);
        Assert.Equal(ProvisioningStep.Migrate, tenant.FailedStep);
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_migrations WHERE slug = $1 AND version = 4", broken));
    }

    [Fact]
    public async Task Let_the_rest_of_the_rollout_finish_on_the_one_connection_while_one_tenants_table_is_held_by_its_own_transaction()
    {
        // One work connection: between its lock tries the waiting tenant hands it back, so the others get it.
        await using var fixture = await RolloutFixture.StartAsync(
            [.. OneConnection, ("ControlPlane:Migrations:LockTries", "100"), ("ControlPlane:Migrations:LockRetryBaseDelay", "00:00:00.100"), ("ControlPlane:Migrations:LockRetryMaxDelay", "00:00:00.200")]);
        var slugs = await fixture.OnboardAsync("groupheld", 8);
        var held = slugs[2];
        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);
        await using var holder = new NpgsqlConnection(fixture.Database.ConnectionString);
        await holder.OpenAsync();
        var holding = await holder.BeginTransactionAsync();
        await using (var read = new NpgsqlCommand($"SELECT count(*) FROM \"tenant_{held}\".components", holder, holding))
        {
            await read.ExecuteScalarAsync(); // ACCESS SHARE until the transaction ends
        }

        var id = await fixture.Rollouts.StartOkAsync(new { lockTimeout = "300ms" });
        var others = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Running, also: r => r.Totals.Succeeded == 7 && r.LockWaiting == 1);
        var waiting = await fixture.Tenants.GetAsync(held);
        await holding.CommitAsync();
        var done = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Completed);

        Assert.Equal(7, others.Totals.Succeeded);
        Assert.Equal(1, others.LockWaiting);
        Assert.Equal(3, waiting!.MigrationVersion);
        Assert.NotNull(waiting.LockWait);
        Assert.Equal(8, done.Totals.Succeeded);
        Assert.Equal(4, await fixture.VersionAsync(held));
        Assert.True(await fixture.Database.ScalarAsync<int>("SELECT lock_tries FROM controlplane.rollout_tenants WHERE rollout_id = $1 AND slug = $2", id, held) >= 2);
    }

    [Fact]
    public async Task Keep_every_tenant_in_its_own_transaction_and_parallelism_at_the_connections_when_groups_are_off()
    {
        await using var fixture = await RolloutFixture.StartAsync([.. OneConnection, ("ControlPlane:Rollouts:GroupSize", "1")]);
        var slugs = await fixture.OnboardAsync("ungrouped", 6);
        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);

        var id = await fixture.Rollouts.StartOkAsync(new { maxParallel = 50 });
        var done = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Completed);

        Assert.Equal(1, done.MaxParallel);
        Assert.Equal(6, done.Totals.Succeeded);
        Assert.Equal(6, await fixture.Database.ScalarAsync<long>(
            "SELECT count(DISTINCT m.xmin::text) FROM controlplane.tenant_migrations m WHERE m.slug = ANY($1) AND m.version = 4", (object)slugs));
    }
}
