using ControlPlane.Runtime.Core;
using ControlPlane.Runtime.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Runtime.Tests;

/// <summary>A runtime wired as the silo wires it, with settings a test can shorten.</summary>
public sealed class RuntimeFixture : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public RuntimeFixture(int mailboxCapacity = 256, TimeSpan? idleTimeout = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ControlPlane:Runtime:MailboxCapacity"] = mailboxCapacity.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["ControlPlane:Runtime:IdleTimeout"] = (idleTimeout ?? TimeSpan.FromMinutes(15)).ToString(),
                ["ControlPlane:Runtime:DeactivationTimeout"] = "00:00:05",
            })
            .Build();
        _services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddSingleton(Probe)
            .AddGrainRuntime()
            .AddGrain<ICounterGrain, CounterGrain>()
            .BuildServiceProvider();
        Runtime = _services.GetRequiredService<GrainRuntime>();
    }

    public GrainProbe Probe { get; } = new();

    public GrainRuntime Runtime { get; }

    public ICounterGrain Grain(string key) => Runtime.GetGrain<ICounterGrain>(key);

    public async ValueTask DisposeAsync()
    {
        await Runtime.StopAsync();
        await _services.DisposeAsync();
    }
}
