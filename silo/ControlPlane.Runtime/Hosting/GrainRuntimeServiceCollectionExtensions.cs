using ControlPlane.Runtime.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ControlPlane.Runtime.Hosting;

/// <summary>Registers the actor runtime and grains with dependency injection.</summary>
public static class GrainRuntimeServiceCollectionExtensions
{
    /// <summary>Adds the runtime, bound to the <c>ControlPlane:Runtime</c> configuration section.</summary>
    public static IServiceCollection AddGrainRuntime(this IServiceCollection services)
    {
        services.AddOptions<GrainRuntimeOptions>()
            .BindConfiguration(GrainRuntimeOptions.SectionName)
            .Validate(o => o.MailboxCapacity > 0, "ControlPlane:Runtime:MailboxCapacity must be positive.")
            .Validate(o => o.IdleTimeout > TimeSpan.Zero, "ControlPlane:Runtime:IdleTimeout must be positive.")
            .Validate(o => o.CollectionInterval > TimeSpan.Zero, "ControlPlane:Runtime:CollectionInterval must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton<GrainRuntime>();
        services.TryAddSingleton<IGrainFactory>(sp => sp.GetRequiredService<GrainRuntime>());
        services.AddHostedService<GrainRuntimeHostedService>();
        return services;
    }

    /// <summary>Registers <typeparamref name="TGrain"/> as the implementation of <typeparamref name="TInterface"/>.</summary>
    public static IServiceCollection AddGrain<TInterface, TGrain>(this IServiceCollection services)
        where TInterface : IGrainWithStringKey
        where TGrain : Grain, TInterface
    {
        services.AddSingleton(new GrainRegistration(typeof(TInterface), typeof(TGrain)));
        return services;
    }
}
