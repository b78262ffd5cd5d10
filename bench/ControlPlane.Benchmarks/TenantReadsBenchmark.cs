using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using ControlPlane.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ControlPlane.Benchmarks;

/// <summary>
/// <c>GET /v1/me/components?limit=50</c> across N active tenants, loaded by wrk (a second process on loopback) with a
/// different tenant's token on each request, beside the seeds' design (one shared pool, <c>SET search_path</c> per
/// request) loaded the same way in the same run; then one page of a tenant with 10,000 components, sequentially.
/// </summary>
internal static class TenantReadsBenchmark
{
    internal const string Issuer = "https://issuer.bench.controlplane";
    internal const string Audience = "controlplane-bench";
    internal const string SigningKey = "bench-signing-key-for-hs256-0123456789abcdef";

    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        var tenants = options.Int("tenants", 100);
        var rows = options.Int("rows", 60);
        var bigRows = options.Int("big-rows", 10_000);
        var seconds = options.Int("seconds", 10);
        var connections = options.Int("connections", 8);
        var rounds = Math.Max(1, options.Int("rounds", 2));
        Console.WriteLine($"Tenant reads benchmark: {tenants} tenants x {rows} components, wrk -c {connections} for {seconds} s x {rounds} rounds each side, {Environment.ProcessorCount} cores");
        await using var database = await BenchmarkDatabase.StartAsync(options.Text("pg"), maxConnections: tenants * 2 + connections + 100);
        var siloCount = Math.Max(1, options.Int("silos", 3));
        var siloSettings = new Dictionary<string, string>
        {
            ["ControlPlane__Auth__Jwt__Issuer"] = Issuer,
            ["ControlPlane__Auth__Jwt__Audience"] = Audience,
            ["ControlPlane__Auth__Jwt__SigningKey"] = SigningKey,
            ["ControlPlane__Tenants__PoolSize"] = "2",
            ["ControlPlane__Tenants__MaxConnections"] = (tenants * 2 + 4).ToString(CultureInfo.InvariantCulture),
            ["ControlPlane__Database__WorkConnections"] = "4",
            ["ControlPlane__Database__RegistryPoolSize"] = "8",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        await using var silo = await SiloProcess.StartAsync(database.ConnectionString, "bench-reads", siloSettings);

        var slugs = Enumerable.Range(0, tenants).Select(i => $"reads{i:000}").ToArray();
        const string big = "reads_big";
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(slugs.Append(big), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (slug, ct) => await OnboardAsync(silo.Http, slug, ct));
        foreach (var slug in slugs)
        {
            await database.ExecuteAsync($"INSERT INTO tenant_{slug}.components (name, description) SELECT '{slug}-component-' || g, 'a component of {slug}' FROM generate_series(1, {rows}) g");
        }

        await database.ExecuteAsync($"INSERT INTO tenant_{big}.components (name, description) SELECT 'big-component-' || g, 'one of many' FROM generate_series(1, {bigRows}) g; ANALYZE tenant_{big}.components");
        Console.WriteLine($"Set up {tenants + 1} tenants in {watch.Elapsed.TotalSeconds:0.0} s");

        var tokens = slugs.Select(Token).ToArray();
        await using var direct = await DirectSearchPathServer.StartAsync(database.ConnectionString, connections, Issuer, Audience, SigningKey);
        var ours = new Uri($"http://127.0.0.1:{silo.Port}/v1/me/components?limit=50");
        await CheckEveryTenantAsync([ours, direct.Url], slugs, tokens);
        // Warm both sides until the JIT has tiered up their hot paths (with Orleans' code in the silo that takes
        // longer than the few seconds the direct server needs): the figure is a long-lived silo's steady state.
        var warmup = options.Int("warmup-seconds", 15);
        await WrkRun.RunAsync(ours, tokens, connections, 2, warmup);
        await WrkRun.RunAsync(direct.Url, tokens, connections, 2, warmup);

        var oursRuns = new List<WrkRun>();
        var directRuns = new List<WrkRun>();
        for (var round = 0; round < rounds; round++)
        {
            // Alternate, so both sides meet the same machine state (the other engineer's load, disk, caches).
            oursRuns.Add(await WrkRun.RunAsync(ours, tokens, connections, 2, seconds));
            directRuns.Add(await WrkRun.RunAsync(direct.Url, tokens, connections, 2, seconds));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round + 1}: control plane {oursRuns[^1].RequestsPerSecond:0} req/s p99 {oursRuns[^1].P99Ms:0.00} ms; direct {directRuns[^1].RequestsPerSecond:0} req/s p99 {directRuns[^1].P99Ms:0.00} ms"));
        }

        var bigPages = await BigTenantPagesAsync(silo.Port, Token(big), bigRows, options.Int("big-requests", 300));
        var (o, d) = (Combine(oursRuns), Combine(directRuns));
        var spread = siloCount > 1 ? await SpreadOverSilosAsync(database, silo, siloSettings, siloCount, slugs, tokens, connections, warmup, seconds, rounds) : null;
        Console.WriteLine();
        Console.WriteLine($"{"GET /v1/me/components?limit=50",-34}{"control plane",16}{"direct SET path",18}{"ratio",10}");
        Row("requests per second", o.RequestsPerSecond, d.RequestsPerSecond, o.RequestsPerSecond / d.RequestsPerSecond);
        Row("p50 latency (ms)", o.P50Ms, d.P50Ms, o.P50Ms / d.P50Ms);
        Row("p99 latency (ms)", o.P99Ms, d.P99Ms, o.P99Ms / d.P99Ms);
        Console.WriteLine($"{"errors (non-2xx, socket)",-34}{o.Errors,16}{d.Errors,18}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"silo resident memory (MiB)",-34}{silo.ResidentBytes() / 1024.0 / 1024.0,16:0}"));
        if (spread is var (spreadRun, remote))
        {
            Console.WriteLine();
            Console.WriteLine($"{$"the same, over {siloCount} silos",-34}{$"{siloCount} silos",16}{"1 silo",18}{"ratio",10}");
            Row("requests per second", spreadRun.RequestsPerSecond, o.RequestsPerSecond, spreadRun.RequestsPerSecond / o.RequestsPerSecond);
            Row("p50 latency (ms)", spreadRun.P50Ms, o.P50Ms, spreadRun.P50Ms / o.P50Ms);
            Row("p99 latency (ms)", spreadRun.P99Ms, o.P99Ms, spreadRun.P99Ms / o.P99Ms);
            Console.WriteLine($"{"errors (non-2xx, socket)",-34}{spreadRun.Errors,16}{o.Errors,18}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{siloCount} silos: wrk spread over every silo's port; about {remote:0%} of requests reached a silo without the tenant's activation (a remote grain call)."));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Tenant with {bigRows} components, {bigPages.Count} sequential pages of 50 at random cursors: p50 {Stats.Median(bigPages):0.00} ms, p95 {Stats.Percentile(bigPages, 95):0.00} ms, p99 {Stats.Percentile(bigPages, 99):0.00} ms"));
        Console.WriteLine("ratio = control plane / direct (throughput target >= 0.80; p99 target < 20 ms; big-tenant page p95 target < 30 ms)");
        const string name = "tenant reads";
        options.Figures.Add(BenchmarkFigure.RatioAtLeast(name, "requests per second, 1 silo", o.RequestsPerSecond, d.RequestsPerSecond, o.RequestsPerSecond / d.RequestsPerSecond, 0.80, "cp/direct"));
        options.Figures.Add(BenchmarkFigure.ValueBelow(name, "p99 latency, 1 silo (ms)", o.P99Ms, d.P99Ms, 20, "ms"));
        options.Figures.Add(BenchmarkFigure.ValueBelow(name, string.Create(CultureInfo.InvariantCulture, $"page p95, tenant of {bigRows:N0} components (ms)"), Stats.Percentile(bigPages, 95), double.NaN, 30, "ms"));
        if (spread is var (spreadRunOf, _))
        {
            options.Figures.Add(BenchmarkFigure.Informational(name, $"requests per second, {siloCount} silos (baseline: 1 silo)", spreadRunOf.RequestsPerSecond, o.RequestsPerSecond));
        }

        return 0;
    }

    /// <summary>
    /// Starts more silos on the same database (one Orleans cluster), checks every tenant through each, and loads all
    /// of them at once. The tenants' activations stay on the first silo (where onboarding placed them), so requests to
    /// the others cross to it: the cost of a remote grain call on the read path.
    /// </summary>
    private static async Task<(WrkRun Run, double RemoteShare)?> SpreadOverSilosAsync(
        BenchmarkDatabase database, SiloProcess first, Dictionary<string, string> settings, int siloCount, string[] slugs, string[] tokens, int connections, int warmup, int seconds, int rounds)
    {
        var others = new List<SiloProcess>();
        try
        {
            for (var i = 1; i < siloCount; i++)
            {
                others.Add(await SiloProcess.StartAsync(database.ConnectionString, $"bench-reads-{i + 1}", settings));
            }

            var active = await database.ScalarAsync<int>("SELECT count(*)::int FROM orleans.membership WHERE status = 3");
            if (active != siloCount)
            {
                throw new InvalidOperationException($"Expected {siloCount} active silos in Orleans' membership, found {active}.");
            }

            var urls = new[] { first }.Concat(others).Select(s => new Uri($"http://127.0.0.1:{s.Port}/v1/me/components?limit=50")).ToArray();
            await CheckEveryTenantAsync([.. urls.Skip(1)], slugs, tokens);

            await WrkRun.RunSpreadAsync(urls, tokens, connections, warmup);
            var runs = new List<WrkRun>();
            for (var round = 0; round < rounds; round++)
            {
                runs.Add(await WrkRun.RunSpreadAsync(urls, tokens, connections, seconds));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round + 1} over {siloCount} silos: {runs[^1].RequestsPerSecond:0} req/s p99 {runs[^1].P99Ms:0.00} ms"));
            }

            // The application's activations per silo (GET /v1/cluster): with requests spread evenly, the
            // share that lands on a silo without the activation is 1 - sum over silos of (its share of activations / n).
            var cluster = await first.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/v1/cluster");
            var activations = cluster.GetProperty("silos").EnumerateArray()
                .Where(s => s.GetProperty("status").GetString() == "Active")
                .Select(s => s.GetProperty("activeGrains").ValueKind == System.Text.Json.JsonValueKind.Number ? s.GetProperty("activeGrains").GetInt32() : 0)
                .ToArray();
            Console.WriteLine($"tenant and rollout activations per silo: {string.Join(", ", activations)}");
            var total = Math.Max(1, activations.Sum());
            return (Combine(runs), 1 - activations.Sum(a => a / (double)total / siloCount));
        }
        finally
        {
            foreach (var other in others)
            {
                await other.DisposeAsync();
            }
        }
    }

    private static void Row(string name, double ours, double direct, double ratio) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-34}{ours,16:0.00}{direct,18:0.00}{ratio,10:0.00}"));

    internal static WrkRun Combine(List<WrkRun> runs) => new(
        runs.Average(r => r.RequestsPerSecond), runs.Average(r => r.P50Ms), runs.Max(r => r.P99Ms), runs.Sum(r => r.Requests), runs.Sum(r => r.Errors));

    internal static string Token(string slug) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = Audience,
        Claims = new Dictionary<string, object> { ["tenant"] = slug, ["sub"] = $"bench@{slug}" },
        Expires = DateTime.UtcNow.AddHours(2),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey)), SecurityAlgorithms.HmacSha256),
    });

    internal static async Task OnboardAsync(HttpClient http, string slug, CancellationToken cancellationToken, string? tier = null)
    {
        using var post = await http.PostAsJsonAsync("/v1/tenants", new { slug, displayName = $"{slug} Ltd", tier }, cancellationToken);
        post.EnsureSuccessStatusCode();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            var tenant = await http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/v1/tenants/{slug}", cancellationToken);
            if (tenant.GetProperty("state").GetString() == "Active")
            {
                return;
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"Tenant {slug} did not become Active within 2 minutes.");
    }

    /// <summary>Both servers answer every tenant with 50 of its own rows: a benchmark of wrong answers measures nothing.</summary>
    internal static async Task CheckEveryTenantAsync(Uri[] urls, string[] slugs, string[] tokens)
    {
        using var http = new HttpClient();
        for (var i = 0; i < slugs.Length; i++)
        {
            foreach (var url in urls)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", tokens[i]) } };
                using var response = await http.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode || !body.Contains($"{slugs[i]}-component-50\"", StringComparison.Ordinal) || body.Contains("-component-51\"", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"{url} for {slugs[i]} answered {(int)response.StatusCode}: {body[..Math.Min(300, body.Length)]}");
                }
            }
        }
    }

    private static async Task<List<double>> BigTenantPagesAsync(int port, string token, int rows, int requests)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var random = new Random(42);
        var times = new List<double>();
        for (var i = 0; i < requests + 20; i++)
        {
            var after = random.Next(0, rows - 50);
            var cursor = after == 0 ? string.Empty : "&after=" + Base64Url.EncodeToString(Encoding.UTF8.GetBytes("i:" + after.ToString(CultureInfo.InvariantCulture)));
            var watch = Stopwatch.StartNew();
            using var response = await http.GetAsync($"/v1/me/components?limit=50{cursor}");
            await response.Content.ReadAsByteArrayAsync();
            response.EnsureSuccessStatusCode();
            if (i >= 20)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        return times;
    }
}
