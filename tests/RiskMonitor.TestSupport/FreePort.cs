using System.Net;
using System.Net.Sockets;

namespace RiskMonitor.TestSupport;

/// <summary>Hands out loopback TCP ports that were free a moment ago, each at most once per test process.</summary>
public static class FreePort
{
    private static readonly HashSet<int> HandedOut = [];
    private static readonly Lock Gate = new();

    public static int Next()
    {
        // Port 0 lets the kernel pick; the set stops two fixtures in one process from getting the same port when the
        // kernel hands it out again before the first fixture has bound it.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            lock (Gate)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
        throw new InvalidOperationException("No free loopback port found after 100 attempts.");
    }
}
