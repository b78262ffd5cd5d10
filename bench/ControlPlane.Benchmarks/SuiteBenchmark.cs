using System.Globalization;

namespace ControlPlane.Benchmarks;

/// <summary>
/// Every benchmark in turn with the README's parameters (<c>--quick</c>: smaller sizes, for a first look), then one
/// table of their figures under the date and the machine. Targets missed still exit 0 (they are figures, not tests);
/// a benchmark that fails to run makes the exit code 1, after the others have run.
/// </summary>
internal static class SuiteBenchmark
{
    private static readonly (string Name, Func<BenchmarkOptions, Task<int>> Run, string Full, string Quick)[] Steps =
    [
        ("rollout", RolloutBenchmark.RunAsync, "--tenants 1000 --concurrency 4", "--tenants 1000 --concurrency 4"),
        ("rollout", RolloutBenchmark.RunAsync, "--tenants 10000 --concurrency 4", ""),
        ("onboarding", OnboardingBenchmark.RunAsync, "--tenants 200 --concurrency 4", "--tenants 50 --concurrency 4"),
        ("tenant-reads", TenantReadsBenchmark.RunAsync, "--tenants 100 --seconds 10 --rounds 2", "--tenants 100 --seconds 5 --rounds 1"),
        ("operator-view", OperatorViewBenchmark.RunAsync, "--tenants 20000 --requests 200", "--tenants 2000 --requests 50"),
        ("pooled-onboarding", PooledOnboardingBenchmark.RunAsync, "--tenants 200 --concurrency 4", "--tenants 50 --concurrency 4"),
        ("pooled-reads", PooledReadsBenchmark.RunAsync, "--tenants 100 --seconds 10 --rounds 2", "--tenants 100 --seconds 5 --rounds 1"),
    ];

    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        var quick = options.Flag("quick");
        var machine = await MachineDescription.DescribeAsync(options);
        var figures = new List<BenchmarkFigure>();
        var failures = new List<string>();
        foreach (var (name, run, full, small) in Steps)
        {
            var arguments = quick ? small : full;
            if (arguments.Length == 0)
            {
                continue;
            }

            var command = $"{name} {arguments}";
            var step = BenchmarkOptions.Parse(WithServer(arguments, options));
            Console.WriteLine();
            Console.WriteLine($"=== suite: {command}");
            try
            {
                await BenchmarkPrerequisites.CheckAsync(name, step);
                var exitCode = await run(step);
                if (exitCode != 0)
                {
                    failures.Add(string.Create(CultureInfo.InvariantCulture, $"{command}: exit code {exitCode}"));
                }
            }
            catch (MissingPrerequisiteException missing)
            {
                Console.Error.WriteLine(missing.Message);
                failures.Add($"{command}: not run: {missing.Message}");
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Console.Error.WriteLine($"{command} failed: {ex}");
                failures.Add($"{command}: {ex.GetType().Name}: {ex.Message}");
            }

            figures.AddRange(step.Figures);
        }

        Console.WriteLine();
        Console.WriteLine($"Benchmark suite{(quick ? " (--quick)" : string.Empty)}: {machine}");
        Console.WriteLine();
        BenchmarkFigure.PrintTable(figures, Console.Out);
        Console.WriteLine();
        Console.WriteLine("control plane and raw baseline measured in the same run; ratio as the target names it (cp = control plane); a missed target is a figure, not a failure.");
        foreach (var failure in failures)
        {
            Console.WriteLine($"FAILED to run: {failure}");
        }

        return failures.Count == 0 ? 0 : 1;
    }

    private static IEnumerable<string> WithServer(string arguments, BenchmarkOptions options) =>
        arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Concat(options.Text("pg") is { } pg ? ["--pg", pg] : []);
}
