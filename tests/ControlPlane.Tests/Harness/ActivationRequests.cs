using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Tests.Harness;

/// <summary>
/// How many requests an activation in this process is running or holding, as Orleans counts them for
/// <c>MaxEnqueuedRequestsHardLimit</c>. Orleans has no public API for it, so this reads its internals by reflection;
/// a test that needs it fails with a clear message when an Orleans upgrade renames them.
/// </summary>
/// <remarks>
/// Orleans checks the limit and then queues the message without holding one lock across both, so two calls arriving
/// together can both pass the check; a test of the limit sends its calls one after another, each once the previous one
/// is counted.
/// </remarks>
public static class ActivationRequests
{
    public static int RequestCount(IServiceProvider silo, GrainId grain)
    {
        // In Orleans.Runtime, which the tests do not reference directly; the silo in this process has loaded it.
        var directoryType = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType("Orleans.Runtime.ActivationDirectory")).FirstOrDefault(t => t is not null)
            ?? throw new InvalidOperationException("Orleans.Runtime.ActivationDirectory not found: the Orleans internals this test reads have changed.");
        var directory = silo.GetRequiredService(directoryType);
        var activation = directoryType.GetMethod("FindTarget")?.Invoke(directory, [grain]);
        if (activation is null)
        {
            return 0;
        }

        var count = activation.GetType().GetMethod("GetRequestCount", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
            ?? throw new InvalidOperationException($"{activation.GetType()}.GetRequestCount not found: the Orleans internals this test reads have changed.");
        return (int)count.Invoke(activation, null)!;
    }
}
