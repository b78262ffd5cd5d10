using System.Net;
using System.Net.Sockets;

namespace ControlPlane.Testing;

/// <summary>Ports on 127.0.0.1 for servers the tests and benchmarks start.</summary>
public static class LoopbackPort
{
    /// <summary>A port nothing listens on right now (the OS picks it; the caller binds it next).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
