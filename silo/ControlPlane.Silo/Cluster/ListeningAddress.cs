using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ControlPlane.Silo.Cluster;

/// <summary>
/// The address a silo advertises when none is configured: the first one it listens on that names a host. A wildcard
/// (<c>0.0.0.0</c>, <c>[::]</c>, <c>*</c>, <c>+</c>) says nothing about where to reach it, so it is not advertised.
/// </summary>
internal static class ListeningAddress
{
    public static string? Of(IServer server) =>
        server.Features.Get<IServerAddressesFeature>()?.Addresses
            .Select(a => Uri.TryCreate(a.Replace("://*", "://wildcard", StringComparison.Ordinal).Replace("://+", "://wildcard", StringComparison.Ordinal), UriKind.Absolute, out var uri) ? uri : null)
            .FirstOrDefault(uri => uri is not null && uri.Host is not ("wildcard" or "0.0.0.0" or "[::]"))
            ?.GetLeftPart(UriPartial.Authority);
}
