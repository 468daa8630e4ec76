using System.Net;
using System.Net.Sockets;

namespace QuantumTrader.Tests.Support;

public static class FreePort
{
    /// <summary>A loopback port the system handed out and that was closed again: free now, with nothing listening.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
