using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text;
using ControlPlane.Testing;
using Npgsql;

namespace ControlPlane.Benchmarks;

/// <summary>
/// The operator view at scale: N tenants (20,000 unless <c>--tenants</c>) registered straight into the registry in one
/// statement (rows and timeline entries, no schemas: these are read benchmarks, and nothing reads a tenant's schema),
/// then each of the dashboard's queries through the API (p50/p95 of sequential requests) beside the same SQL through
/// psql on one connection (the raw baseline), and each query's EXPLAIN (ANALYZE, BUFFERS).
/// </summary>
internal static class OperatorViewBenchmark
{
    private const string Columns =
        "t.slug, t.display_name, t.schema_name, t.role_name, t.state, t.failed_step, t.last_error, t.attempts, " +
        "t.migration_version, t.etag, t.lease_owner, t.lease_token, t.next_attempt_at, t.created_at, t.updated_at, t.labels";

    /// <summary>The API request and the SQL the registry runs for it, values written in (psql has no parameters).</summary>
    private sealed record Query(string Name, string Path, string Sql);

    private static Query[] Queries((string Cursor, string Slug) middle) =>
    [
        new("first page", "/v1/tenants?limit=50", Page("true", after: null)),
        new("page after a cursor in the middle", $"/v1/tenants?limit=50&after={middle.Cursor}", Page("true", after: middle.Slug)),
        new("state=Failed page", "/v1/tenants?limit=50&state=Failed", Page("t.state = 'Failed'", after: null)),
        new("version=2 page", "/v1/tenants?limit=50&version=2", Page("t.migration_version = 2", after: null)),
        new("label plan=pro page", "/v1/tenants?limit=50&label=plan%3Dpro", Page("t.labels @> '{\"plan\":\"pro\"}'", after: null)),
        new("text search q=hooli holding 12", "/v1/tenants?limit=50&q=hooli%20holding%2012", Page("(lower(t.slug) ILIKE '%hooli holding 12%' OR t.display_name ILIKE '%hooli holding 12%')", after: null)),
        new("counts, every tenant", "/v1/tenants/stats/counts", Counts("true")),
        new("counts, q=globex", "/v1/tenants/stats/counts?q=globex", Counts("(lower(t.slug) ILIKE '%globex%' OR t.display_name ILIKE '%globex%')")),
        new("onboarding latency, last hour", "/v1/tenants/stats/onboarding?window=PT1H", Onboarding()),
    ];

    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        var tenants = options.Int("tenants", 20_000);
        var requests = options.Int("requests", 200);
        Console.WriteLine($"Operator view benchmark: {tenants} registered tenants, {requests} sequential requests per query each side, {Environment.ProcessorCount} cores");
        await using var database = await BenchmarkDatabase.StartAsync(options.Text("pg"), maxConnections: 100);
        await using var silo = await SiloProcess.StartAsync(database.ConnectionString, "bench-operator-view", new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" });
        var fleet = new RegisteredFleet("ov", tenants);
        var watch = Stopwatch.StartNew();
        await fleet.RegisterAsync(database.ConnectionString);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Registered {tenants} tenants (rows and timelines, straight into the registry) in {watch.Elapsed.TotalSeconds:0.0} s"));

        var results = new List<(Query Query, double ApiP50, double ApiP95, double RawP50, double RawP95, string Plan)>();
        foreach (var query in Queries(await MiddleCursorAsync(silo.Http, tenants / 2)))
        {
            var api = await ThroughApiAsync(silo.Http, query.Path, requests);
            var raw = await ThroughPsqlAsync(database, query, requests);
            var plan = await ExplainAsync(database, query.Sql);
            results.Add((query, Stats.Median(api), Stats.Percentile(api, 95), Stats.Median(raw), Stats.Percentile(raw, 95), plan));
        }

        Console.WriteLine();
        Console.WriteLine($"{"query (ms)",-36}{"API p50",10}{"API p95",10}{"psql p50",10}{"psql p95",10}{"p95 ratio",11}");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Query.Name,-36}{r.ApiP50,10:0.00}{r.ApiP95,10:0.00}{r.RawP50,10:0.00}{r.RawP95,10:0.00}{r.ApiP95 / r.RawP95,11:0.00}"));
            options.Figures.Add(BenchmarkFigure.ValueBelow("operator view", $"p95 {r.Query.Name} (ms)", r.ApiP95, r.RawP95, 50, "ms"));
        }

        Console.WriteLine("API = GET through the silo's HTTP API on loopback (sequential, admin key); psql = the registry's SQL for it on one psql connection; target p95 < 50 ms");
        Console.WriteLine();
        foreach (var r in results)
        {
            Console.WriteLine($"--- {r.Query.Name}: GET {r.Query.Path}");
            Console.WriteLine(r.Plan);
        }

        return 0;
    }

    /// <summary>The API's cursor after about <paramref name="skip"/> tenants (cursors are opaque: paged to, not made), and the slug it continues after.</summary>
    private static async Task<(string Cursor, string Slug)> MiddleCursorAsync(HttpClient http, int skip)
    {
        string? after = null;
        var seen = 0;
        var last = string.Empty;
        do
        {
            var page = await http.GetFromJsonAsync<JsonElement>($"/v1/tenants?limit={Math.Clamp(skip - seen, 1, 500)}" + (after is null ? string.Empty : $"&after={after}"));
            var items = page.GetProperty("items");
            seen += items.GetArrayLength();
            last = items[items.GetArrayLength() - 1].GetProperty("slug").GetString()!;
            after = page.GetProperty("next").GetString();
        }
        while (seen < skip && after is not null);

        return (after ?? throw new InvalidOperationException($"Fewer than {skip} tenants listed."), last);
    }

    private static string Page(string where, string? after) =>
        $"SELECT {Columns} FROM controlplane.tenants t WHERE {(after is null ? "true" : $"t.slug > '{after}'")} AND {where} ORDER BY t.slug LIMIT 51";

    private static string Counts(string where) =>
        $"SELECT t.state, t.migration_version, count(*) FROM controlplane.tenants t WHERE {where} GROUP BY GROUPING SETS ((t.state), (t.migration_version))";

    // FleetStats.OnboardingLatenciesAsync's statement.
    private static string Onboarding() =>
        """
        SELECT clock_timestamp(), extract(epoch FROM t.activated_at - t.created_at) * 1000
        FROM controlplane.tenants t
        WHERE t.activated_at >= now() - interval '1 hour'
        ORDER BY 2
        """;

    private static async Task<List<double>> ThroughApiAsync(HttpClient http, string path, int requests)
    {
        // Warm the silo's JIT, the registry pool and the prepared plans before measuring.
        for (var i = 0; i < Math.Max(20, requests / 5); i++)
        {
            using var warm = await http.GetAsync(path);
            warm.EnsureSuccessStatusCode();
            await warm.Content.ReadAsByteArrayAsync();
        }

        var times = new List<double>(requests);
        for (var i = 0; i < requests; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(path);
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return times;
    }

    private static async Task<List<double>> ThroughPsqlAsync(BenchmarkDatabase database, Query query, int requests)
    {
        // Each run's rows go to /dev/null (psql still reads them all); only the marks reach stdout.
        var script = new StringBuilder();
        for (var i = 0; i < Math.Max(20, requests / 5) + requests; i++)
        {
            var key = i.ToString(CultureInfo.InvariantCulture);
            script.Append(PsqlRunner.Mark("s", key)).Append("\\o /dev/null\n").Append(query.Sql).Append(";\n\\o\n").Append(PsqlRunner.Mark("e", key));
        }

        var marks = await PsqlRunner.RunAsync(database, [script.ToString()]);
        var starts = marks.Where(m => m.Mark == "s").ToDictionary(m => m.Key, m => m.Epoch);
        return [.. marks.Where(m => m.Mark == "e")
            .Select(m => (Run: int.Parse(m.Key, CultureInfo.InvariantCulture), Ms: (m.Epoch - starts[m.Key]) * 1000))
            .Where(m => m.Run >= Math.Max(20, requests / 5))
            .Select(m => m.Ms)];
    }

    private static async Task<string> ExplainAsync(BenchmarkDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"EXPLAIN (ANALYZE, BUFFERS) {sql}", connection);
        var plan = new StringBuilder();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.AppendLine(reader.GetString(0));
        }

        return plan.ToString().TrimEnd();
    }
}
