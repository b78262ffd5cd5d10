using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Webhooks;
using ControlPlane.Silo.OrleansSilo;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ControlPlane.Silo.Webhooks;

/// <summary>
/// Sends the outbox's deliveries while this silo is an active member (<see cref="ActiveSiloLoop"/>, like the
/// sweeps). Every silo runs one; they share the work through the claim's <c>SKIP LOCKED</c>. It wakes on the outbox's NOTIFY, and otherwise looks every <see cref="WebhookOptions.PollInterval"/> (retries that
/// came due, notifications lost while reconnecting).
/// </summary>
internal sealed partial class WebhookDispatcher(
    ControlPlaneDataSources dataSources,
    IHttpClientFactory clients,
    IOptions<WebhookOptions> options,
    ILogger<WebhookDispatcher> logger) : ActiveSiloLoop
{
    /// <summary>The named HTTP client deliveries are sent with.</summary>
    public const string ClientName = "webhooks";

    private const string Channel = "controlplane_webhooks";

    protected override async Task RunAsync(CancellationToken stopping)
    {
        var settings = options.Value;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                // Its own connection: a pooled one would carry LISTEN to its next user.
                await using var listener = new NpgsqlConnection(dataSources.UnpooledConnectionString);
                await listener.OpenAsync(stopping);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", listener))
                {
                    await listen.ExecuteNonQueryAsync(stopping);
                }

                while (!stopping.IsCancellationRequested)
                {
                    if (await DeliverDueAsync(settings, stopping) == 0)
                    {
                        await listener.WaitAsync(settings.PollInterval, stopping);
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                LogDispatchFailed(logger, ex);
                await Task.Delay(settings.PollInterval, stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Claims what is due, sends it all at once, records each attempt; returns how many it claimed.</summary>
    private async Task<int> DeliverDueAsync(WebhookOptions settings, CancellationToken stopping)
    {
        // The claim lasts past the request's timeout, so only a silo that died mid-request lets it lapse.
        var claimFor = (settings.Timeout * 2) + TimeSpan.FromSeconds(5);
        var due = await WebhookDeliveries.ClaimAsync(dataSources.Registry, settings.MaxParallel, claimFor, stopping);
        await Task.WhenAll(due.Select(d => DeliverAsync(d, settings, stopping)));
        return due.Count;
    }

    private async Task DeliverAsync(DueDelivery delivery, WebhookOptions settings, CancellationToken stopping)
    {
        var body = Encoding.UTF8.GetBytes(delivery.Body);
        int? status = null;
        string? error;
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(delivery.Secret, body));
            request.Headers.Add("X-ControlPlane-Event", delivery.EventType);
            request.Headers.Add("X-ControlPlane-Delivery", delivery.EventId.ToString());
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stopping);
            status = (int)response.StatusCode;
            error = response.IsSuccessStatusCode ? null : $"HTTP {status} {response.ReasonPhrase}".TrimEnd();
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down: the claim lapses and another silo (or this one, restarted) sends it again.
            return;
        }
        catch (TaskCanceledException)
        {
            error = $"no answer within {settings.Timeout.TotalSeconds:0.###} s";
        }
        catch (HttpRequestException ex)
        {
            error = ex.Message;
        }

        var latency = Stopwatch.GetElapsedTime(started);
        try
        {
            await WebhookDeliveries.RecordAsync(dataSources.Registry, delivery, status, latency, error, settings, stopping);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            // Unrecorded: the claim lapses and the delivery is sent again (the receiver de-duplicates by event id).
            LogRecordFailed(logger, delivery.EventId, delivery.WebhookId, ex);
            return;
        }

        if (error is not null)
        {
            LogAttemptFailed(logger, delivery.EventType, delivery.EventId, delivery.Url, delivery.Attempt, error);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook dispatch failed; trying again shortly")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery of event {EventId} to {WebhookId} was sent but not recorded; it will be sent again")]
    private static partial void LogRecordFailed(ILogger logger, Guid eventId, Guid webhookId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {EventType} {EventId} to {Url}, attempt {Attempt}: {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, string eventType, Guid eventId, string url, int attempt, string error);
}
