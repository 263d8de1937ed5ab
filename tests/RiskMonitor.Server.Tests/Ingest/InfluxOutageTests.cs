namespace RiskMonitor.Server.Tests.Ingest;

/// <summary>
/// InfluxDB goes away while readings flow over MQTT and comes back: every reading ends up stored, once, in order.
/// This class has a server of its own, since it kills that server's InfluxDB.
/// </summary>
public sealed class InfluxOutageTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Every_reading_published_during_an_influxdb_outage_is_stored_in_order_once_it_is_back()
    {
        var ct = TestContext.Current.CancellationToken;
        const string asset = "gp-t-003";
        const int perPhase = 200;
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-5);
        using var mqtt = await server.ConnectMqttAsync("outage", ct);
        var published = 0;

        async Task PublishPhaseAsync()
        {
            for (var i = 0; i < perPhase; i++, published++)
            {
                await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry",
                    ServerFixture.Reading(t0.AddMilliseconds(published * 100).ToUnixTimeMilliseconds(), ("ch4_lel", published % 4), ("seq", published)), ct);
            }
        }

        await PublishPhaseAsync();
        await server.Influx.StopAsync(ct);
        await PublishPhaseAsync();
        var whileDown = await ServerFixture.EventuallyAsync(
            () => server.GetJsonAsync("api/ingest/stats", ct),
            s => s.GetProperty("influx").GetProperty("spooledPoints").GetInt64() > 0, TimeSpan.FromSeconds(20), ct);
        var ready = await server.Http.GetAsync("health/ready", ct);
        await server.Influx.StartAsync(ct);
        await PublishPhaseAsync();

        var series = await ServerFixture.EventuallyAsync(
            () => server.Influx.QueryAsync(ServerFixture.Database, $"SELECT seq FROM telemetry WHERE asset = '{asset}'", ct),
            s => s.Sum(x => x.Values.Count) >= published, TimeSpan.FromSeconds(60), ct);

        Assert.True(whileDown.GetProperty("influx").GetProperty("spooledPoints").GetInt64() > 0);
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var sequence = series.SelectMany(s => s.Column("seq")).Select(v => (int)v.GetDouble()).ToArray();
        Assert.Equal(Enumerable.Range(0, published), sequence);
    }
}
