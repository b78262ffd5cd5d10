using ControlPlane.Grains.Webhooks;
using Microsoft.Extensions.Options;

namespace ControlPlane.Silo.Webhooks;

/// <summary>Adds the webhook dispatcher and its HTTP client to a silo.</summary>
internal static class WebhookDispatcherRegistration
{
    public static IServiceCollection AddWebhookDispatcher(this IServiceCollection services)
    {
        services.AddHttpClient(WebhookDispatcher.ClientName, (sp, client) =>
        {
            client.Timeout = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.Timeout;
            client.DefaultRequestHeaders.UserAgent.ParseAdd("ControlPlane-Webhooks/1");
        });
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, WebhookDispatcher>();
        return services;
    }
}
