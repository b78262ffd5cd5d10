using ControlPlane.Benchmarks;

// Usage: dotnet run -c Release --project bench/ControlPlane.Benchmarks -- <benchmark> [--option value ...]
var benchmarks = new Dictionary<string, Func<BenchmarkOptions, Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["suite"] = SuiteBenchmark.RunAsync,
    ["onboarding"] = OnboardingBenchmark.RunAsync,
    ["rollout"] = RolloutBenchmark.RunAsync,
    ["tenant-reads"] = TenantReadsBenchmark.RunAsync,
    ["idle-tenants"] = IdleTenantsBenchmark.RunAsync,
    ["operator-view"] = OperatorViewBenchmark.RunAsync,
    ["clone"] = CloneBenchmark.RunAsync,
    ["backup"] = BackupBenchmark.RunAsync,
    ["pooled-onboarding"] = PooledOnboardingBenchmark.RunAsync,
    ["pooled-reads"] = PooledReadsBenchmark.RunAsync,
    ["move"] = MoveBenchmark.RunAsync,
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: bench <{string.Join('|', benchmarks.Keys)}> [--option value ...]");
    return 2;
}

var options = BenchmarkOptions.Parse(args.Skip(1));
try
{
    await BenchmarkPrerequisites.CheckAsync(args[0], options);
}
catch (MissingPrerequisiteException missing)
{
    Console.Error.WriteLine(missing.Message);
    return 3;
}

return await run(options);
