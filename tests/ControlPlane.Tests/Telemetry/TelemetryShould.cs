using System.Diagnostics;
using System.Net;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;
using ControlPlane.Tests.Rollouts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Tests.Telemetry;

[Collection(TelemetryTests.Name)]
public sealed class TelemetryShould
{
    private readonly CollectedTelemetry _telemetry = new();

    [Fact]
    public async Task TraceAnOnboardingFromItsRequestThroughItsGrainTurnsToEachStepAndMigration()
    {
        await using var fixture = await StartAsync();
        var slug = TestSlugs.New("otel");

        await fixture.Tenants.OnboardAsync(slug);
        var spans = await WaitForSpansAsync(slug, s => s.DisplayName == "tenant.activate", "the Activate step's span");

        var request = Assert.Single(spans, s => s.DisplayName == "POST /v1/tenants");
        Assert.Equal(ActivityKind.Server, request.Kind);
        Assert.Equal(202, request.GetTagItem("http.response.status_code"));
        var turn = Assert.Single(spans, s => s.DisplayName == "TenantGrain.ProvisionAsync");
        Assert.Equal(request.TraceId, turn.TraceId);
        Assert.Equal($"tenant_{slug}", turn.GetTagItem("tenant.schema"));
        Assert.Contains(spans, s => s.DisplayName == "TenantGrain.DriveAsync");
        string[] steps = ["tenant.createschema", "tenant.migrate V0001", "tenant.migrate V0002", "tenant.migrate V0003", "tenant.seed", "tenant.activate"];
        foreach (var step in steps)
        {
            var span = Assert.Single(spans, s => s.DisplayName == step);
            Assert.Equal($"tenant_{slug}", span.GetTagItem("tenant.schema"));
            Assert.Equal(ActivityStatusCode.Unset, span.Status);
        }

        Assert.Equal([1, 2, 3], spans.Where(s => s.DisplayName.StartsWith("tenant.migrate", StringComparison.Ordinal)).Select(s => (int)s.GetTagItem("migration.version")!).Order());
        var createSchema = spans.Single(s => s.DisplayName == "tenant.createschema");
        Assert.Contains(_telemetry.Spans, s => s.Source.Name == "Npgsql" && s.ParentSpanId == createSchema.SpanId);
    }

    [Fact]
    public async Task RecordAFailedMigrationAsAnErrorOnItsSpanAndAFailedProvisioning()
    {
        await using var fixture = await StartAsync(("ControlPlane:Provisioning:MaxAttempts", "1"));
        fixture.Migrations.Write("V0004__broken.sql", "SELECT 1/0;");
        var slug = TestSlugs.New("otelfail");

        using var created = await fixture.Tenants.CreateAsync(slug, "Broken Ltd");
        await fixture.Tenants.WaitForStateAsync(slug, TenantStatus.Failed);
        var spans = await WaitForSpansAsync(slug, s => s.DisplayName == "tenant.migrate V0004", "the failed V0004 migration's span");
        var readings = _telemetry.CollectMetrics();

        var failed = Assert.Single(spans, s => s.DisplayName == "tenant.migrate V0004");
        Assert.Equal(ActivityStatusCode.Error, failed.Status);
        Assert.Equal(4, failed.GetTagItem("migration.version"));
        var exception = Assert.Single(failed.Events, e => e.Name == "exception");
        Assert.Contains("22012", exception.Tags.First(t => t.Key == "exception.message").Value?.ToString());
        Assert.Contains(readings, r => r.Name == "controlplane.provisioning.duration" && r.Has("outcome", "failed") && r.Count >= 1);
        Assert.Contains(readings, r => r.Name == "controlplane.migration.duration" && r.Has("migration.version", 4) && r.Has("outcome", "failed"));
    }

    [Fact]
    public async Task MeasureProvisioningTenantsByStateActivationsAndThePoolBudget()
    {
        await using var fixture = await StartAsync(("ControlPlane:Tenants:PoolSize", "2"), ("ControlPlane:Tenants:MaxConnections", "10"));
        var slug = TestSlugs.New("otelmetrics");
        await fixture.Tenants.OnboardAsync(slug);
        using var connection = await fixture.Tenants.Http.GetAsync($"/v1/tenants/{slug}/connection");

        var readings = _telemetry.CollectMetrics();

        Assert.Equal(HttpStatusCode.OK, connection.StatusCode);
        var provisioning = Assert.Single(readings, r => r.Name == "controlplane.provisioning.duration" && r.Has("outcome", "succeeded"));
        Assert.Equal(1, provisioning.Count);
        Assert.True(provisioning.Value > 0, provisioning.ToString());
        Assert.Equal(1, Assert.Single(readings, r => r.Name == "controlplane.tenants" && r.Has("tenant.state", "Active")).Value);
        foreach (var version in new[] { 1, 2, 3 })
        {
            Assert.Equal(1, Assert.Single(readings, r => r.Name == "controlplane.migration.duration" && r.Has("migration.version", version) && r.Has("outcome", "succeeded")).Count);
        }

        Assert.Equal(10, Assert.Single(readings, r => r.Name == "controlplane.tenant_pool.connections.budget").Value);
        Assert.Equal(0, Assert.Single(readings, r => r.Name == "controlplane.tenant_pool.connections.in_use").Value);
        // Orleans' own meter is exported beside ours: the tenant's activation is counted.
        Assert.True(readings.Where(r => r.Name == "orleans-catalog-activations").Sum(r => r.Value) >= 1, "Orleans counts the tenant's activation");
    }

    [Fact]
    public async Task TraceAndCountARolloutTenantByTenant()
    {
        await using var fixture = await StartAsync();
        var slugs = await fixture.OnboardAsync("otelroll", 3);
        fixture.Migrations.Write("V0004__add_component_owner.sql", "ALTER TABLE components ADD COLUMN owner text;");

        var id = await fixture.Rollouts.StartOkAsync(new { targetVersion = 4, maxParallel = 2 });
        await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Completed);
        var spans = await WaitForSpansAsync(id, s => s.DisplayName == "tenant.migrate V0004", "three V0004 migrations", count: 3, tag: "rollout.id");
        var readings = _telemetry.CollectMetrics();

        // The POST's trace reaches the rollout's grain. Which trace the drive itself runs in depends on who woke it first:
        // the POST's wake-up, or a sweep that found the new rollout unclaimed a moment before.
        var grainCalls = spans.Where(s => s.DisplayName.StartsWith("RolloutGrain.", StringComparison.Ordinal)).Select(s => s.TraceId).ToHashSet();
        var start = Assert.Single(_telemetry.Spans, s => s.DisplayName == "POST /v1/rollouts" && grainCalls.Contains(s.TraceId));
        Assert.Equal(202, start.GetTagItem("http.response.status_code"));
        var migrations = spans.Where(s => s.DisplayName == "tenant.migrate V0004").ToList();
        Assert.Equal(slugs, migrations.Select(s => (string)s.GetTagItem("tenant.id")!).Order(StringComparer.Ordinal));
        Assert.All(migrations, s => Assert.Equal(4, s.GetTagItem("migration.version")));
        Assert.Equal(3, spans.Count(s => s.DisplayName == "TenantGrain.MigrateToAsync"));
        Assert.Equal(3, Assert.Single(readings, r => r.Name == "controlplane.rollout.tenants" && r.Has("rollout.id", id) && r.Has("outcome", "succeeded")).Value);
        Assert.Equal(3, Assert.Single(readings, r => r.Name == "controlplane.migration.duration" && r.Has("migration.version", 4)).Count);
    }

    [Fact]
    public async Task ReportAHaltedRolloutsProgressAndItsFailedTenant()
    {
        await using var fixture = await StartAsync();
        await fixture.OnboardAsync("otelhalt", 3);
        fixture.Migrations.Write("V0004__broken.sql", "SELECT 1/0;");

        var id = await fixture.Rollouts.StartOkAsync(new { targetVersion = 4, maxParallel = 1, failureThreshold = 0.0 });
        await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Halted, also: r => r.Totals.Running == 0);
        var readings = _telemetry.CollectMetrics();

        Assert.Equal(1.0 / 3, Assert.Single(readings, r => r.Name == "controlplane.rollout.progress" && r.Has("rollout.id", id)).Value, 3);
        Assert.Equal(1, Assert.Single(readings, r => r.Name == "controlplane.rollout.tenants" && r.Has("rollout.id", id) && r.Has("outcome", "failed")).Value);
        var failed = Assert.Single(_telemetry.SpansWith("rollout.id", id), s => s.DisplayName == "tenant.migrate V0004");
        Assert.Equal(ActivityStatusCode.Error, failed.Status);
    }

    [Fact]
    public async Task LogAFailedStepWithTheTenantFieldsOfItsSpans()
    {
        var logs = new CapturedLogs();
        await using var fixture = await RolloutFixture.StartAsync(
            services => services.AddSingleton<ILoggerProvider>(logs), ("ControlPlane:Provisioning:MaxAttempts", "1"));
        fixture.Migrations.Write("V0004__broken.sql", "SELECT 1/0;");
        var slug = TestSlugs.New("otellog");

        using var created = await fixture.Tenants.CreateAsync(slug, "Broken Ltd");
        await fixture.Tenants.WaitForStateAsync(slug, TenantStatus.Failed);

        var failure = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains(slug, StringComparison.Ordinal) && e.Message.Contains("Migrate", StringComparison.Ordinal));
        Assert.Equal(slug, failure.ScopeFields["tenant.id"]);
        Assert.Equal($"tenant_{slug}", failure.ScopeFields["tenant.schema"]);
        Assert.Equal("TenantGrain", failure.ScopeFields["grain.type"]);
    }

    private Task<RolloutFixture> StartAsync(params (string Key, string Value)[] settings) =>
        RolloutFixture.StartAsync(services => services.AddSingleton(_telemetry.Export), settings);

    /// <summary>Waits until the spans tagged with <paramref name="value"/> include what <paramref name="until"/> matches.</summary>
    private Task<IReadOnlyList<Activity>> WaitForSpansAsync(
        string value, Func<Activity, bool> until, string what, int count = 1, string tag = "tenant.id") =>
        Eventually.ReadsAsync(
            () => Task.FromResult(_telemetry.SpansWith(tag, value)),
            spans => spans.Count(until) >= count,
            $"{what} for {tag}={value}",
            spans => $"spans {string.Join(", ", spans.Select(s => s.DisplayName))}",
            TimeSpan.FromSeconds(30));
}
