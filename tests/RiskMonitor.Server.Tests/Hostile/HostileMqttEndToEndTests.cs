using System.Globalization;
using System.Net;
using System.Text;
using CsCheck;
using MQTTnet;
using MQTTnet.Protocol;

namespace RiskMonitor.Server.Tests.Hostile;

/// <summary>
/// Issue 11: 10,000 random and malformed MQTT messages mixed with good readings. The server stays healthy, every
/// message is counted, and every good reading is stored in InfluxDB.
/// </summary>
public sealed class HostileMqttEndToEndTests : IAsyncLifetime
{
    private const int HostileMessages = 10_000;
    private const int GoodEvery = 10; // one good reading after every 10 hostile messages: 1,000 good readings
    private const int Clients = 4;
    private OwnServer _server = null!; // set in InitializeAsync

    public async ValueTask InitializeAsync() =>
        _server = await OwnServer.StartAsync(
            // What is under test is the pipeline: anonymous clients, no per-client rate limit.
            new Dictionary<string, string?> { ["Mqtt:MaxMessagesPerSecondPerClient"] = "0" },
            TestContext.Current.CancellationToken, TestCity.GeoJson(8));

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private static readonly string[] Assets = [.. Enumerable.Range(1, 8).Select(i => $"gp-t-{i:000}"), "el-t-001"];

    private static readonly Gen<string> Topic = Gen.Frequency(
        (6, Gen.Select(Gen.OneOf(Assets), Gen.OneOf("telemetry", "event", "status"), (a, c) => $"rm/v1/{a}/{c}")),
        (1, Gen.OneOf("rm/v1/nobody/telemetry", "rm/v1/gp-t-001/position", "rm/v1/gp-t-001/other", "rm/v2/gp-t-001/telemetry", "rm/v1/gp t/telemetry", "x", "rm/v1/温/telemetry")),
        (1, Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789/._- "], 1, 80].Where(t => !t.Contains("//", StringComparison.Ordinal))));

    [Fact]
    public async Task Ten_thousand_hostile_messages_leave_the_server_healthy_and_every_good_reading_stored()
    {
        var ct = TestContext.Current.CancellationToken;
        var hostile = Gen.Select(Topic, HostileGen.Payload).Array[HostileMessages].Generate(20261125);
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-30);
        var good = Enumerable.Range(0, HostileMessages / GoodEvery)
            .Select(i => (Topic: $"rm/v1/{Assets[i % 8]}/telemetry", Seq: i, Payload: $"{{\"ts\":{t0.AddMilliseconds(i * 7).ToUnixTimeMilliseconds()},\"values\":{{\"probe_seq\":{i}}}}}"))
            .ToList();
        var messages = new List<(string Topic, byte[] Payload)>();
        for (var i = 0; i < hostile.Length; i++)
        {
            messages.Add(hostile[i]);
            if (i % GoodEvery == GoodEvery - 1)
            {
                var g = good[i / GoodEvery];
                messages.Add((g.Topic, Encoding.UTF8.GetBytes(g.Payload)));
            }
        }

        // Each client sends its share in order; QoS 1, so every message is acknowledged and none is lost on the way.
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async k =>
        {
            using var client = await _server.ConnectMqttAsync($"hostile-{k}", ct);
            for (var i = k; i < messages.Count; i += Clients)
            {
                var (topic, payload) = messages[i];
                await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);
            }

            await client.DisconnectAsync(cancellationToken: ct);
        }));

        var stats = await ServerFixture.EventuallyAsync(() => _server.GetJsonAsync("api/ingest/stats", ct),
            s => s.GetProperty("ingestion").GetProperty("messagesReceived").GetInt64() >= messages.Count && s.GetProperty("dispatchQueued").GetInt64() == 0,
            TimeSpan.FromMinutes(2), ct);
        var ingestion = stats.GetProperty("ingestion");
        Assert.Equal(messages.Count, ingestion.GetProperty("messagesReceived").GetInt64());
        Assert.True(ingestion.GetProperty("rejectedTotal").GetInt64() >= HostileMessages / 2, $"only {ingestion.GetProperty("rejectedTotal")} rejections");
        Assert.Equal(0, ingestion.GetProperty("rejectedByReason").GetProperty("dispatch_failed").GetInt64());
        Assert.True(ingestion.GetProperty("rejectedByReason").GetProperty("oversized").GetInt64() > 0);
        Assert.InRange(stats.GetProperty("deadLetters").GetInt32(), 1, 1000); // bounded

        var stored = await ServerFixture.EventuallyAsync(
            () => _server.Influx.QueryAsync(ServerFixture.Database, "SELECT probe_seq FROM telemetry WHERE probe_seq >= 0", ct),
            s => s.Sum(x => x.Values.Count) >= good.Count, TimeSpan.FromMinutes(2), ct);
        var sequences = stored.SelectMany(s => s.Column("probe_seq")).Select(v => (int)v.GetDouble()).Order().ToList();
        Assert.Equal(good.Select(g => g.Seq), sequences);

        using var ready = await _server.Http.GetAsync("health/ready", ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var probe = await _server.ConnectMqttAsync("after-the-storm", ct);
        Assert.True(probe.IsConnected);
    }
}
