using System.Text;
using System.Text.Json;
using ControlPlane.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Tests.Harness;

/// <summary>
/// A real HTTP receiver for webhook deliveries on 127.0.0.1: Kestrel on a free port, recording every request it gets
/// and answering 200 when <see cref="Accepts"/> says so for the request's ordinal (1 for the first), 503 otherwise.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<ReceivedWebhook> _received = [];

    private WebhookReceiver(WebApplication app, int port)
    {
        _app = app;
        Url = $"http://127.0.0.1:{port}/hooks/controlplane";
    }

    /// <summary>Where to point a webhook.</summary>
    public string Url { get; }

    /// <summary>Whether the request with this ordinal is answered 200 (otherwise 503).</summary>
    public Func<int, bool> Accepts { get; set; } = _ => true;

    /// <summary>Every request received so far, in arrival order.</summary>
    public IReadOnlyList<ReceivedWebhook> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>The requests answered 200, in arrival order.</summary>
    public IReadOnlyList<ReceivedWebhook> Accepted => [.. Received.Where(r => r.Answered == StatusCodes.Status200OK)];

    public static async Task<WebhookReceiver> StartAsync()
    {
        var port = LoopbackPort.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, port);
        app.MapPost("/hooks/controlplane", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            ReceivedWebhook received;
            lock (receiver._received)
            {
                var ordinal = receiver._received.Count + 1;
                received = new ReceivedWebhook(
                    buffer.ToArray(),
                    context.Request.Headers["X-ControlPlane-Signature"].ToString(),
                    context.Request.Headers["X-ControlPlane-Event"].ToString(),
                    context.Request.Headers["X-ControlPlane-Delivery"].ToString(),
                    receiver.Accepts(ordinal) ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
                receiver._received.Add(received);
            }

            return Results.StatusCode(received.Answered);
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One request as the receiver saw it, and what it answered.</summary>
public sealed record ReceivedWebhook(byte[] Body, string Signature, string EventType, string DeliveryId, int Answered)
{
    public string Text => Encoding.UTF8.GetString(Body);

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string Id => Json.GetProperty("id").GetString()!;

    public string Type => Json.GetProperty("type").GetString()!;

    /// <summary>The tenant slug or rollout id the event is about.</summary>
    public string Subject => Json.TryGetProperty("tenant", out var tenant)
        ? "tenant:" + tenant.GetProperty("slug").GetString()
        : "rollout:" + Json.GetProperty("rollout").GetProperty("id").GetString();
}
