using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Server.Tests.Messaging;

/// <summary>
/// A small HTTP SMS gateway for tests: keeps every request (body and headers), answers each with what
/// <see cref="Answer"/> says, by the request's number (1-based).
/// </summary>
internal sealed class GatewayListener : IDisposable
{
    private readonly HttpListener _listener = new();

    public GatewayListener()
    {
        Port = FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");
        _listener.Start();
        _ = Task.Run(ReceiveAsync, CancellationToken.None);
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/sms/send");

    public ConcurrentQueue<(string Body, string? Timestamp, string? Signature, int Status)> Requests { get; } = new();

    /// <summary>Status and body of the answer to request n.</summary>
    public Func<int, (int Status, string Body)> Answer { get; set; } = n => (200, $$"""{"messageId":"gw-{{n}}","status":"queued"}""");

    public void Dispose() => _listener.Close();

    private async Task ReceiveAsync()
    {
        var count = 0;
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var (status, body) = Answer(Interlocked.Increment(ref count));
            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
            {
                Requests.Enqueue((await reader.ReadToEndAsync(), context.Request.Headers["X-RiskMonitor-Timestamp"], context.Request.Headers["X-RiskMonitor-Signature"], status));
            }

            context.Response.StatusCode = status;
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }
}
