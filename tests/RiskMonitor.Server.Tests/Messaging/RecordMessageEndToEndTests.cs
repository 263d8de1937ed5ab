using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RiskMonitor.Server.Incidents;

namespace RiskMonitor.Server.Tests.Messaging;

/// <summary>
/// An incident's missed reporting clock reaches the officer and the leader on duty by text through the record outbox
/// (decision 0042), on PostgreSQL and a real HTTP SMS gateway; a text the gateway refuses is sent again, alone.
/// </summary>
public sealed class RecordMessageEndToEndTests : IAsyncLifetime
{
    private const string LeaderPhone = DutyRoster.LeaderPhone;
    private const string OfficerPhone = DutyRoster.OfficerPhone;
    private readonly GatewayListener _gateway = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private OwnServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _gateway.Answer = n => n == 1 ? (503, """{"error":"busy"}""") : (200, $$"""{"messageId":"gw-{{n}}","status":"queued"}""");
        _server = await OwnServer.StartAsync(new Dictionary<string, string?>
        {
            ["Outbound:AllowedNetworks:0"] = "127.0.0.0/8", // the gateway is on loopback (decision 0026)
            ["Messaging:Sms:Url"] = _gateway.Url.ToString(),
            ["Messaging:Sms:Secret"] = "gateway-secret-0123456789abcdef",
        }, TestContext.Current.CancellationToken, configure: builder => builder.Services.AddKeyedSingleton<TimeProvider>(IncidentsModule.TimeKey, _clock));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _gateway.Dispose();
    }

    [Fact]
    public async Task A_missed_reporting_clock_is_texted_to_the_officer_and_the_leader_on_duty_and_a_refused_text_is_retried()
    {
        var ct = TestContext.Current.CancellationToken;
        await DutyRoster.PutOnDutyAsync(_server.Http, ct);
        var opened = await _server.Http.PostAsJsonAsync("api/incidents/records", new { title = "阀门井燃气泄漏", type = "gas_leak", deaths = 1 }, ct);
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var incident = (await opened.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("incident");
        var knownAt = incident.GetProperty("knownAt").GetDateTimeOffset();

        // The county's hour passes with no report.
        _clock.Advance(knownAt.AddMinutes(61) - _clock.GetUtcNow());

        // Both texts arrive; the first attempt was refused (503) and only that one was sent again.
        var requests = await ServerFixture.EventuallyAsync(
            () => Task.FromResult(_gateway.Requests.ToArray()),
            r => r.Count(x => x.Status == 200) >= 2, TimeSpan.FromSeconds(60), ct);
        var texts = requests.Select(r => (Body: JsonDocument.Parse(r.Body).RootElement, r.Status)).ToList();
        var delivered = texts.Where(t => t.Status == 200).Select(t => t.Body).ToList();
        Assert.Equal(3, texts.Count);
        Assert.Equal([LeaderPhone, OfficerPhone], delivered.Select(b => b.GetProperty("to").GetString()).Order());
        Assert.All(delivered, b => Assert.Contains("迟报", b.GetProperty("text").GetString(), StringComparison.Ordinal));
        Assert.All(delivered, b => Assert.Contains("阀门井燃气泄漏", b.GetProperty("text").GetString(), StringComparison.Ordinal));
        Assert.Equal(texts[0].Body.GetProperty("to").GetString(), texts[2].Body.GetProperty("to").GetString());
    }
}
