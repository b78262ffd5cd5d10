using ControlPlane.Grains.Cluster;
using ControlPlane.Runtime;
using ControlPlane.Runtime.Core;
using ControlPlane.Runtime.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;
using ControlPlane.Silo.Hosting;
using Npgsql;

namespace ControlPlane.Silo.Cluster;

/// <summary>
/// Keeps this silo's membership alive (heartbeats), declares silent silos dead, and, like an Orleans silo that
/// learns it was declared dead, drops every activation and rejoins as a new incarnation when its own heartbeat is refused.
/// On shutdown it first marks itself ShuttingDown (its leases stop counting, so other silos take its work over at once),
/// then, once its grains are deactivated, leaves, releasing every lease it still names.
/// </summary>
internal sealed partial class MembershipAgent(
    MembershipTable membership,
    SiloIdentity silo,
    GrainRuntime runtime,
    IServer server,
    IOptions<ClusterOptions> options,
    ILogger<MembershipAgent> logger) : BackgroundService, IHostedLifecycleService
{
    private readonly Once _stop = new();

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        // The heartbeat loop stops first: a heartbeat refused for a ShuttingDown silo would otherwise make it rejoin.
        await base.StopAsync(cancellationToken);
        try
        {
            await membership.ShutDownAsync(silo.SiloId, cancellationToken);
            LogShuttingDown(logger, silo.SiloId);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            LogLeaveFailed(logger, silo.SiloId, ex);
        }
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override Task StopAsync(CancellationToken cancellationToken) => _stop.RunAsync(async () =>
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await membership.LeaveAsync(silo.SiloId, cancellationToken);
            LogLeft(logger, silo.SiloId);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            LogLeaveFailed(logger, silo.SiloId, ex);
        }
    });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var cluster = options.Value;
        using var timer = new PeriodicTimer(cluster.HeartbeatInterval);
        while (await timer.TickOrStopAsync(stoppingToken))
        {
            try
            {
                if (!await membership.HeartbeatAsync(silo.SiloId, cluster.DeadAfter, runtime.ActivationCount, silo.Address ??= ListeningAddress.Of(server), stoppingToken))
                {
                    await RejoinAsync(stoppingToken);
                }

                foreach (var dead in await membership.DeclareDeadAsync(cluster.DeadAfter, stoppingToken))
                {
                    LogDeclaredDead(logger, dead);
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                // The database is unreachable: nothing can be written anyway; try again on the next beat.
                LogHeartbeatFailed(logger, ex);
            }
        }
    }

    private async Task RejoinAsync(CancellationToken cancellationToken)
    {
        var old = silo.SiloId;
        LogLostMembership(logger, old);
        await runtime.DeactivateAllAsync(DeactivationReason.MembershipLost);
        var renewed = silo.Renew();
        await membership.JoinAsync(silo, cancellationToken);
        LogRejoined(logger, old, renewed);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo {SiloId} lost its membership (declared dead or silent too long); dropping all activations")]
    private static partial void LogLostMembership(ILogger logger, string siloId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {OldSiloId} rejoined the cluster as {NewSiloId}")]
    private static partial void LogRejoined(ILogger logger, string oldSiloId, string newSiloId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Declared silo {SiloId} dead (no heartbeat)")]
    private static partial void LogDeclaredDead(ILogger logger, string siloId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat failed")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {SiloId} is shutting down; other silos may take its work over now")]
    private static partial void LogShuttingDown(ILogger logger, string siloId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {SiloId} left the cluster")]
    private static partial void LogLeft(ILogger logger, string siloId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo {SiloId} could not leave cleanly; its leases expire with its heartbeat")]
    private static partial void LogLeaveFailed(ILogger logger, string siloId, Exception exception);
}
