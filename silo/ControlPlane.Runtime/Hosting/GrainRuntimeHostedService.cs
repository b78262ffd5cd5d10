using ControlPlane.Runtime.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ControlPlane.Runtime.Hosting;

/// <summary>Ties the runtime to the host: collects idle activations while running, deactivates all on shutdown.</summary>
internal sealed class GrainRuntimeHostedService(GrainRuntime runtime, IOptions<GrainRuntimeOptions> options) : BackgroundService
{
    private readonly Once _stop = new();

    public override Task StopAsync(CancellationToken cancellationToken) => _stop.RunAsync(async () =>
    {
        await base.StopAsync(cancellationToken);
        await runtime.StopAsync();
    });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CollectionInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                runtime.CollectIdleActivations();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
