using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RiskMonitor.Server.Platform.Outbound;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Server.Tests.Platform.Outbound;

/// <summary>Issue 24 row 1: the outbound handler checks every connection, so neither a redirect nor a port scan gets through.</summary>
public sealed class OutboundHttpTests
{
    [Fact]
    public async Task A_redirect_from_an_allowed_host_to_a_loopback_address_is_refused_at_connect_time()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var target = await Listener.StartAsync(_ => Results.Ok("internal"), ct);
        await using var allowed = await Listener.StartAsync(_ => Results.Redirect($"http://127.0.0.1:{target.Port}/secret"), ct);
        // Only the name is allowed; the redirect names a loopback address literal that no allow-list entry covers.
        var policy = new OutboundPolicy(new OutboundOptions { AllowedHosts = ["localhost"] });
        using var handler = OutboundHttp.CreateHandler(policy);
        handler.AllowAutoRedirect = true; // the shared client follows none; this shows the check would hold if it did
        using var http = new HttpClient(handler);
        using var shared = new HttpClient(OutboundHttp.CreateHandler(policy));

        using var first = await shared.GetAsync($"http://localhost:{allowed.Port}/start", ct);
        var followed = await Record.ExceptionAsync(() => http.GetAsync($"http://localhost:{allowed.Port}/start", ct));

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.NotNull(OutboundRefusedException.Find(followed));
        Assert.Equal(0, target.Hits);
        Assert.Equal(2, allowed.Hits);
    }

    [Fact]
    public async Task A_refused_address_is_refused_the_same_way_whether_or_not_a_port_is_open()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var open = await Listener.StartAsync(_ => Results.Ok(), ct);
        using var http = new HttpClient(OutboundHttp.CreateHandler(new OutboundPolicy(new OutboundOptions())));

        var toOpen = await Record.ExceptionAsync(() => http.GetAsync($"http://127.0.0.1:{open.Port}/", ct));
        var toClosed = await Record.ExceptionAsync(() => http.GetAsync($"http://127.0.0.1:{FreePort.Next()}/", ct));

        Assert.Equal(OutboundRefusedException.Find(toOpen)?.Message, OutboundRefusedException.Find(toClosed)?.Message);
        Assert.NotNull(OutboundRefusedException.Find(toOpen));
        Assert.NotNull(OutboundRefusedException.Find(toClosed));
        Assert.Equal(0, open.Hits);
    }

    [Fact]
    public async Task An_allowed_network_is_reached()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var receiver = await Listener.StartAsync(_ => Results.Ok(), ct);
        using var http = new HttpClient(OutboundHttp.CreateHandler(new OutboundPolicy(new OutboundOptions { AllowedNetworks = ["127.0.0.0/8"] })));

        using var response = await http.GetAsync($"http://127.0.0.1:{receiver.Port}/", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, receiver.Hits);
    }

    /// <summary>A Kestrel listener on 127.0.0.1 that counts the requests it answers.</summary>
    private sealed class Listener : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _hits;

        private Listener(WebApplication app, int port)
        {
            _app = app;
            Port = port.ToString(CultureInfo.InvariantCulture);
        }

        public string Port { get; }

        public int Hits => Volatile.Read(ref _hits);

        public static async Task<Listener> StartAsync(Func<HttpContext, IResult> answer, CancellationToken ct)
        {
            var port = FreePort.Next();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var listener = new Listener(app, port);
            app.Run(async context =>
            {
                Interlocked.Increment(ref listener._hits);
                await answer(context).ExecuteAsync(context);
            });
            await app.StartAsync(ct);
            return listener;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
    }
}
