using ControlPlane.Silo.Hosting;
using Microsoft.Extensions.Options;

namespace ControlPlane.Silo.LocalPostgres;

/// <summary>
/// Owns the private server for the silo's lifetime: started on first need (when no connection string is
/// configured), stopped when the silo stops. Registered first so it stops last.
/// </summary>
internal sealed class PrivatePostgresHost(IOptions<PrivatePostgresOptions> options, SiloStateDirectory state, ILogger<PrivatePostgresServer> logger) : IHostedService
{
    private readonly Lock _gate = new();
    private PrivatePostgresServer? _server;

    public PrivatePostgresServer Start()
    {
        lock (_gate)
        {
            // Runs once, at start-up, while the container resolves the data sources; blocking here is intended.
            var settings = options.Value;
            settings.DataDirectory ??= Path.Combine(state.Path, "postgres");
            return _server ??= PrivatePostgresServer.StartAsync(settings, logger, CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private readonly Once _stop = new();

    public Task StopAsync(CancellationToken cancellationToken) => _stop.RunAsync(async () =>
    {
        if (_server is { } server)
        {
            await server.StopAsync();
        }
    });
}
