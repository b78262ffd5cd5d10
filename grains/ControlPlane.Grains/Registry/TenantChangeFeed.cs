using System.Collections.Concurrent;
using ControlPlane.Grains.Database;
using ControlPlane.Registry.Contracts.Tenants;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ControlPlane.Grains.Registry;

/// <summary>
/// Tells waiters in this silo that a tenant's registry row changed, whichever silo changed it: every write to a
/// tenant row sends <c>NOTIFY controlplane_tenants</c> in its transaction, and this service LISTENs on one
/// connection. Notifications can be lost while reconnecting, so waiters also re-read on a short interval.
/// </summary>
public sealed partial class TenantChangeFeed(ControlPlaneDataSources dataSources, ILogger<TenantChangeFeed> logger) : BackgroundService, ITenantChangeWaiter
{
    /// <summary>The notification channel.</summary>
    public const string Channel = "controlplane_tenants";

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Subscription, byte>> _subscriptions = new(StringComparer.Ordinal);

    /// <summary>The SQL that announces a change of <paramref name="slug"/> (added to the writing transaction).</summary>
    public static NpgsqlBatchCommand Notify(string slug)
    {
        var command = new NpgsqlBatchCommand($"SELECT pg_catalog.pg_notify('{Channel}', $1)");
        command.Parameters.Add(new NpgsqlParameter { Value = slug });
        return command;
    }

    /// <summary>Starts listening for changes of one tenant. Subscribe first, then read, so no change falls in between.</summary>
    public ITenantChangeSubscription Subscribe(string slug)
    {
        var subscription = new Subscription(this, slug);
        _subscriptions.GetOrAdd(slug, _ => new()).TryAdd(subscription, 0);
        return subscription;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Its own connection: a pooled one would carry LISTEN to its next user.
                await using var connection = new NpgsqlConnection(dataSources.UnpooledConnectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => Signal(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                SignalAll(); // anything may have changed while we were not listening
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                LogListenFailed(logger, ex);
                SignalAll();
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private void Signal(string slug)
    {
        if (_subscriptions.TryGetValue(slug, out var subscriptions))
        {
            foreach (var subscription in subscriptions.Keys)
            {
                subscription.Changed();
            }
        }
    }

    private void SignalAll()
    {
        foreach (var slug in _subscriptions.Keys)
        {
            Signal(slug);
        }
    }

    private void Remove(Subscription subscription)
    {
        if (_subscriptions.TryGetValue(subscription.Slug, out var subscriptions))
        {
            subscriptions.TryRemove(subscription, out _);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for tenant changes failed; reconnecting")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);

    /// <summary>A waiter for changes of one tenant; dispose it when done.</summary>
    public sealed class Subscription(TenantChangeFeed feed, string slug) : ITenantChangeSubscription
    {
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Slug { get; } = slug;

        /// <summary>Completes when a change is announced (or after <paramref name="timeout"/>); true when announced.</summary>
        public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            var changed = Volatile.Read(ref _changed);
            try
            {
                await changed.Task.WaitAsync(timeout, cancellationToken);
                Interlocked.CompareExchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), changed);
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }

        public void Dispose() => feed.Remove(this);

        internal void Changed() => Volatile.Read(ref _changed).TrySetResult();
    }
}
