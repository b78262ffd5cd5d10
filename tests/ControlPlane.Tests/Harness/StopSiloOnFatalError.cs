using Microsoft.Extensions.Hosting;
using Orleans.Runtime;

namespace ControlPlane.Tests.Harness;

/// <summary>
/// What a test silo does when Orleans finds it must die (declared dead by the cluster): stop its own host, as the
/// process would end in production, without ending the test process that hosts its neighbours.
/// </summary>
internal sealed class StopSiloOnFatalError(IHostApplicationLifetime lifetime) : IFatalErrorHandler
{
    public bool IsUnexpected(Exception exception) => true;

    public void OnFatalException(object? sender = null, string? context = null, Exception? exception = null) => lifetime.StopApplication();
}
