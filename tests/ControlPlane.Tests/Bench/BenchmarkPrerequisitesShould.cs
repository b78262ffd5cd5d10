extern alias bench;

using System.Diagnostics;
using bench::ControlPlane.Benchmarks;

namespace ControlPlane.Tests.Bench;

/// <summary>A newcomer's first benchmark run on a machine without a program it needs: a sentence saying what to install, never a stack trace.</summary>
// The fake programs are shell scripts: the benchmarks (and these tests) run on Linux.
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class BenchmarkPrerequisitesShould : IDisposable
{
    private readonly DirectoryInfo _path = Directory.CreateTempSubdirectory("controlplane-path-");

    [Fact]
    public async Task Say_exactly_what_to_install_when_a_program_is_missing_and_this_is_not_root()
    {
        var missing = await Assert.ThrowsAsync<MissingPrerequisiteException>(() =>
            BenchmarkPrerequisites.EnsureProgramAsync("wrk", "wrk", "The tenant-reads benchmark loads the servers with wrk", _path.FullName, canInstall: false));

        Assert.Equal("The tenant-reads benchmark loads the servers with wrk, which is not on PATH: install it (Debian/Ubuntu: sudo apt-get install wrk) and run again.", missing.Message);
    }

    [Fact]
    public async Task Say_what_is_missing_when_there_is_no_apt_get_to_install_it_with()
    {
        var missing = await Assert.ThrowsAsync<MissingPrerequisiteException>(() =>
            BenchmarkPrerequisites.EnsureProgramAsync("wrk", "wrk", "The tenant-reads benchmark loads the servers with wrk", _path.FullName, canInstall: true));

        Assert.Contains("there is no apt-get to install it with: install wrk (package wrk)", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Say_what_apt_get_answered_when_the_install_fails()
    {
        Executable("apt-get", "echo 'E: Could not resolve deb.debian.org' >&2; exit 100");

        var missing = await Assert.ThrowsAsync<MissingPrerequisiteException>(() =>
            BenchmarkPrerequisites.EnsureProgramAsync("wrk", "wrk", "The tenant-reads benchmark loads the servers with wrk", _path.FullName, canInstall: true));

        Assert.Contains("`apt-get update -qq` failed (exit code 100: E: Could not resolve deb.debian.org)", missing.Message, StringComparison.Ordinal);
        Assert.Contains("sudo apt-get install wrk", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accept_a_program_found_on_the_path()
    {
        Executable("wrk", "exit 0");

        await BenchmarkPrerequisites.EnsureProgramAsync("wrk", "wrk", "The tenant-reads benchmark loads the servers with wrk", _path.FullName, canInstall: false);

        Assert.Equal(Path.Combine(_path.FullName, "wrk"), BenchmarkPrerequisites.OnPath("wrk", _path.FullName));
    }

    [Fact]
    public async Task End_the_tenant_reads_command_with_a_message_and_exit_code_3_when_wrk_is_missing()
    {
        var benchmarks = Path.Combine(RepositoryRoot.Path, "bench", "ControlPlane.Benchmarks", "bin", "Release", "net10.0", "ControlPlane.Benchmarks.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? BenchmarkPrerequisites.OnPath("dotnet") ?? "dotnet")
        {
            ArgumentList = { benchmarks, "tenant-reads", "--tenants", "1" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Neither wrk nor apt-get on this PATH: a root run cannot install it either.
        start.Environment["PATH"] = _path.FullName;

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(File.Exists(benchmarks), $"{benchmarks} is not built");
        Assert.Equal(3, process.ExitCode);
        Assert.DoesNotContain("Unhandled exception", await errors + await output, StringComparison.Ordinal);
        Assert.Contains("The tenant-reads benchmark loads the servers with wrk, which is not on PATH", await errors, StringComparison.Ordinal);
    }

    public void Dispose() => _path.Delete(recursive: true);

    private void Executable(string name, string script)
    {
        var file = Path.Combine(_path.FullName, name);
        File.WriteAllText(file, $"#!/bin/sh\n{script}\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
