using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;
using MQTTnet;
using MQTTnet.Protocol;
using Npgsql;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Server.Tests.Platform.Orleans;

/// <summary>
/// Cluster mode on real processes on loopback: two silos (Orleans membership in PostgreSQL), an external Mosquitto
/// the silos share through <c>$share/riskmonitor/rm/v1/+/+</c>, a Redis SignalR backplane, one InfluxDB, and the
/// region file of <see cref="TestCity.Regions"/>.
/// </summary>
public sealed class ClusterEndToEndTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Red = "#e53935";

    private const int Assets = 1000;
    private const int ReadingsPerAsset = 10;

    private static readonly string[] AssetIds = [.. Enumerable.Range(1, Assets).Select(i => $"gp-t-{i:000}")];

    // Every tenth asset goes red on its last reading: red is raised at once (no confirm time), one alert each.
    private static readonly HashSet<string> RedAssets = [.. AssetIds.Where((_, i) => i % 10 == 0)];

    [Fact]
    public async Task Two_silos_split_ten_thousand_readings_exactly_once_and_a_client_on_one_sees_alerts_raised_on_the_other()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var backends = await Backends.StartAsync(ct);
        var (postgres, influx, mosquitto, redis) = (backends.Postgres, backends.Influx, backends.Mosquitto, backends.Redis);
        var registry = TestCity.GeoJson(Assets);
        var (assetIds, redAssets) = (AssetIds, RedAssets);

        await using var siloA = await OwnServer.StartSiloAsync(influx, postgres, SiloSettings("silo-a", mosquitto, redis), registry, ct, TestCity.Regions());
        await using var siloB = await OwnServer.StartSiloAsync(influx, postgres, SiloSettings("silo-b", mosquitto, redis), registry, ct, TestCity.Regions());
        var members = await ServerFixture.EventuallyAsync(() => ActiveSilosAsync(postgres, ct), n => n == 2, TimeSpan.FromSeconds(90), ct);
        Assert.Equal(2, members);
        foreach (var silo in new[] { siloA, siloB })
        {
            var ready = await ServerFixture.EventuallyAsync(() => silo.Http.GetAsync("health/ready", ct), r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(90), ct);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        var raisedOnA = new ConcurrentQueue<JsonElement>();
        await using var hub = await siloA.ConnectHubAsync(ct);
        hub.On<JsonElement>("alertRaised", alert => raisedOnA.Enqueue(alert));

        var publishers = await Task.WhenAll(Enumerable.Range(0, 4).Select(async p =>
        {
            var client = new MqttClientFactory().CreateMqttClient();
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", mosquitto.Port).WithClientId($"gateway-{p}").Build(), ct);
            return client;
        }));
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-2);
        await Task.WhenAll(publishers.Select((client, p) => Task.Run(async () =>
        {
            for (var i = p; i < assetIds.Length; i += publishers.Length)
            {
                var asset = assetIds[i];
                for (var r = 0; r < ReadingsPerAsset; r++)
                {
                    var lel = r == ReadingsPerAsset - 1 && redAssets.Contains(asset) ? 60 : 1;
                    await PublishMethaneAsync(client, asset, t0.AddSeconds(r), lel, ct);
                }
            }
        }, ct)));

        // Every point once in InfluxDB: ten per asset, none missing, none extra.
        var counts = await ServerFixture.EventuallyAsync(
            () => PointsPerAssetAsync(influx, ct), c => c.Values.Sum() >= Assets * ReadingsPerAsset, TimeSpan.FromMinutes(4), ct);
        Assert.Equal(Assets, counts.Count);
        Assert.All(assetIds, id => Assert.Equal(ReadingsPerAsset, counts.GetValueOrDefault(id)));

        // Exactly once across the two: the silos' accepted readings and confirmed points add up to 10,000 (a duplicate
        // would overwrite its InfluxDB point but still be counted here), and the shared subscription gave both a share.
        var statsA = await siloA.GetJsonAsync("api/ingest/stats", ct);
        var statsB = await siloB.GetJsonAsync("api/ingest/stats", ct);
        long Accepted(JsonElement s) => s.GetProperty("ingestion").GetProperty("readingsAccepted").GetInt64();
        long Written(JsonElement s) => s.GetProperty("influx").GetProperty("written").GetInt64();
        TestContext.Current.SendDiagnosticMessage($"readings: silo A {Accepted(statsA)}, silo B {Accepted(statsB)}");
        Assert.Equal(Assets * ReadingsPerAsset, Accepted(statsA) + Accepted(statsB));
        Assert.Equal(Assets * ReadingsPerAsset, Written(statsA) + Written(statsB));
        Assert.True(Accepted(statsA) > 0 && Accepted(statsB) > 0, "the shared subscription splits the stream");
        Assert.Equal(0, statsA.GetProperty("ingestion").GetProperty("rejectedTotal").GetInt64() + statsB.GetProperty("ingestion").GetProperty("rejectedTotal").GetInt64());

        // Each expected alert once, in the system of record.
        var alerts = await ServerFixture.EventuallyAsync(() => RedAlertsAsync(postgres, ct), a => a.Count >= redAssets.Count, TimeSpan.FromSeconds(60), ct);
        Assert.Equal(redAssets.Order(StringComparer.Ordinal), alerts.Order(StringComparer.Ordinal));

        // The client on silo A saw every one of them once, also those raised by grains living on silo B.
        var seen = await ServerFixture.EventuallyAsync(
            () => Task.FromResult(raisedOnA.Where(a => a.GetProperty("ruleId").GetString() == "ch4_lel.high").Select(a => a.GetProperty("assetId").GetString()!).ToList()),
            s => s.Count >= redAssets.Count, TimeSpan.FromSeconds(30), ct);
        Assert.Equal(redAssets.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        var raisedOnB = await RaisedRedAsync(siloB, ct);
        TestContext.Current.SendDiagnosticMessage($"red alerts raised by grains on silo B: {raisedOnB}");
        Assert.True(raisedOnB > 0, "some alerts were raised on silo B, so silo A's client got them through Redis");

        // Either node lists every current alert, counts it in the map's grids and groups it into incidents, also those
        // raised on the other, and both answer the same: each node's boards follow the feed (docs/decisions/0031).
        await AssertReadSideShowsAsync([siloA.Http, siloB.Http], redAssets, ct);

        foreach (var client in publishers)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task A_silo_killed_hard_while_readings_flow_loses_no_reading_and_no_alert_once_it_is_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var backends = await Backends.StartAsync(ct);
        var (postgres, influx, mosquitto, redis) = (backends.Postgres, backends.Influx, backends.Mosquitto, backends.Redis);
        var registry = TestCity.GeoJson(Assets);
        var (assetIds, redAssets) = (AssetIds, RedAssets);

        await using var siloA = await OwnServer.StartSiloAsync(influx, postgres, SiloSettings("silo-a", mosquitto, redis), registry, ct, TestCity.Regions());
        await using var siloB = await StartKillableSiloAsync(backends, "silo-b", registry, ct);
        Assert.Equal(2, await ServerFixture.EventuallyAsync(() => ActiveSilosAsync(postgres, ct), n => n == 2, TimeSpan.FromSeconds(90), ct));
        var raisedOnA = new ConcurrentQueue<JsonElement>();
        await using var hub = await siloA.ConnectHubAsync(ct);
        hub.On<JsonElement>("alertRaised", alert => raisedOnA.Enqueue(alert));

        // Readings flow; silo B dies (SIGKILL) after about a third of them, and comes back with its client id later.
        using var publisher = new MqttClientFactory().CreateMqttClient();
        await publisher.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", mosquitto.Port).WithClientId("gateway").Build(), ct);
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-2);
        var published = 0;
        for (var r = 0; r < ReadingsPerAsset; r++)
        {
            foreach (var asset in assetIds)
            {
                var lel = r == ReadingsPerAsset - 1 && redAssets.Contains(asset) ? 60 : 1;
                await PublishMethaneAsync(publisher, asset, t0.AddSeconds(r), lel, ct);
                if (++published == Assets * ReadingsPerAsset / 3)
                {
                    await siloB.KillAsync();
                }
            }
        }

        await siloB.StartAsync(ct);

        var counts = await ServerFixture.EventuallyAsync(
            () => PointsPerAssetAsync(influx, ct), c => c.Values.Sum() >= Assets * ReadingsPerAsset, TimeSpan.FromMinutes(4), ct);
        Assert.Equal(Assets, counts.Count);
        Assert.All(assetIds, id => Assert.Equal(ReadingsPerAsset, counts.GetValueOrDefault(id)));
        var alerts = await ServerFixture.EventuallyAsync(() => RedAlertsAsync(postgres, ct), a => a.Count >= redAssets.Count, TimeSpan.FromSeconds(60), ct);
        Assert.Equal(redAssets.Order(StringComparer.Ordinal), alerts.Order(StringComparer.Ordinal));
        var seen = await ServerFixture.EventuallyAsync(
            () => Task.FromResult(raisedOnA.Where(a => a.GetProperty("ruleId").GetString() == "ch4_lel.high").Select(a => a.GetProperty("assetId").GetString()!).ToList()),
            s => s.Count >= redAssets.Count, TimeSpan.FromSeconds(60), ct);
        Assert.Equal(redAssets.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        var statsA = await siloA.GetJsonAsync("api/ingest/stats", ct);
        Assert.Equal(0, statsA.GetProperty("ingestion").GetProperty("rejectedTotal").GetInt64());

        // What silo B's session held (messages it had not acknowledged when it died, and those the group routed to it
        // while it was away) was processed either by silo A, which takes the session over once membership declares B
        // dead (docs/decisions/0029), or by silo B itself if it was back first. The counts above prove none was lost.
        var statsB = JsonDocument.Parse(await siloB.Http.GetStringAsync("api/ingest/stats", ct)).RootElement;
        var takenOverByA = statsA.GetProperty("ingestion").GetProperty("messagesTakenOver").GetInt64();
        var resumedByB = statsB.GetProperty("ingestion").GetProperty("readingsAccepted").GetInt64();
        TestContext.Current.SendDiagnosticMessage($"silo B's session: {takenOverByA} messages taken over by silo A, {resumedByB} readings on the restarted silo B");
        Assert.True(takenOverByA + resumedByB > 0, "silo B's session was drained by silo A or resumed by silo B");
    }

    [Fact]
    public async Task A_silo_killed_hard_and_never_back_costs_no_alert_the_survivor_raises_them_and_drains_its_broker_session()
    {
        const int assets = 300;
        var ct = TestContext.Current.CancellationToken;
        await using var backends = await Backends.StartAsync(ct);
        var (postgres, influx, mosquitto, redis) = (backends.Postgres, backends.Influx, backends.Mosquitto, backends.Redis);
        var assetIds = AssetIds[..assets];
        var redAssets = assetIds.Where((_, i) => i % 10 == 0).ToHashSet();
        var redBefore = assetIds.Where((_, i) => i % 10 == 5).ToHashSet(); // raised before the kill, on either silo
        var registry = TestCity.GeoJson(assets);

        await using var siloA = await OwnServer.StartSiloAsync(influx, postgres, SiloSettings("silo-a", mosquitto, redis), registry, ct, TestCity.Regions());
        await using var siloB = await StartKillableSiloAsync(backends, "silo-b", registry, ct);
        Assert.Equal(2, await ServerFixture.EventuallyAsync(() => ActiveSilosAsync(postgres, ct), n => n == 2, TimeSpan.FromSeconds(90), ct));
        var raisedOnA = new ConcurrentQueue<JsonElement>();
        await using var hub = await siloA.ConnectHubAsync(ct);
        hub.On<JsonElement>("alertRaised", alert => raisedOnA.Enqueue(alert));

        // A first reading per asset, so grains live on both silos, a few of them red; once those alerts are in
        // PostgreSQL, silo B dies (SIGKILL) and never comes back.
        using var publisher = new MqttClientFactory().CreateMqttClient();
        await publisher.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", mosquitto.Port).WithClientId("gateway").Build(), ct);
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-2);
        foreach (var asset in assetIds)
        {
            await PublishMethaneAsync(publisher, asset, t0, redBefore.Contains(asset) ? 60 : 1, ct);
        }

        await ServerFixture.EventuallyAsync(() => RedAlertsAsync(postgres, ct), a => a.Count >= redBefore.Count, TimeSpan.FromSeconds(60), ct);
        await siloB.KillAsync();

        // Then every asset reports again, every tenth one red. Mosquitto routes about half of these into silo B's
        // session (an offline member of the shared group still gets its turn) until silo A takes the session over.
        foreach (var asset in assetIds)
        {
            await PublishMethaneAsync(publisher, asset, t0.AddSeconds(1), redAssets.Contains(asset) || redBefore.Contains(asset) ? 60 : 1, ct);
        }

        var killedAt = DateTimeOffset.UtcNow;
        var seen = await ServerFixture.EventuallyAsync(
            () => Task.FromResult(raisedOnA.Where(a => a.GetProperty("ruleId").GetString() == "ch4_lel.high").Select(a => a.GetProperty("assetId").GetString()!).ToHashSet()),
            s => s.IsSupersetOf(redAssets), TimeSpan.FromSeconds(60), ct);
        TestContext.Current.SendDiagnosticMessage($"every red alert on the survivor's hub {(DateTimeOffset.UtcNow - killedAt).TotalSeconds:0.0} s after the last publish");
        Assert.Superset(redAssets, seen);

        // Listed by the survivor's REST API, each once, with those raised before the kill (also those silo B raised:
        // the survivor's boards follow the feed), counted in its map's grids and grouped into its incidents; and a wall
        // display opened on the survivor after the kill shows all of them.
        var allRed = redAssets.Union(redBefore).Order(StringComparer.Ordinal).ToList();
        await AssertReadSideShowsAsync([siloA.Http], allRed, ct);
        await AssertWallShowsAsync(siloA.BaseUrl, allRed.Count, "wall-on-the-survivor.png");

        // Every reading was evaluated and stored, including those that waited in the dead silo's session, and none
        // was dead-lettered on the survivor; the survivor drained that session and ended it.
        var counts = await ServerFixture.EventuallyAsync(
            () => PointsPerAssetAsync(influx, ct), c => c.Values.Sum() >= assets * 2, TimeSpan.FromSeconds(60), ct);
        Assert.All(assetIds, id => Assert.Equal(2, counts.GetValueOrDefault(id)));
        // The drain ends the session once nothing more came for Mqtt:Broker:TakeoverQuietPeriod (2 s).
        var stats = await ServerFixture.EventuallyAsync(
            async () => (await siloA.GetJsonAsync("api/ingest/stats", ct)).GetProperty("ingestion"),
            s => s.GetProperty("sessionsTakenOver").GetInt64() >= 1, TimeSpan.FromSeconds(20), ct);
        TestContext.Current.SendDiagnosticMessage($"silo A took over {stats.GetProperty("messagesTakenOver").GetInt64()} messages from silo B's session");
        Assert.Equal(0, stats.GetProperty("rejectedTotal").GetInt64());
        Assert.Equal(1, stats.GetProperty("sessionsTakenOver").GetInt64());
        Assert.True(stats.GetProperty("messagesTakenOver").GetInt64() > 0, "silo B's session held messages that silo A processed");
        Assert.Equal(allRed, (await RedAlertsAsync(postgres, ct)).Order(StringComparer.Ordinal));

        // The session is gone: a client connecting with silo B's id finds none (a returning pod starts fresh).
        using var probe = new MqttClientFactory().CreateMqttClient();
        var resumed = await probe.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", mosquitto.Port).WithClientId("silo-b")
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithCleanStart(false).WithSessionExpiryInterval(0).Build(), ct);
        Assert.False(resumed.IsSessionPresent);
    }

    [Fact]
    public async Task Restarting_the_silos_one_after_the_other_while_readings_flow_loses_no_reading_and_no_alert_and_the_hub_stays_live()
    {
        const int assets = 200;
        // Asset i reads red in the rounds r with r % 10 == i % 10 and normal otherwise: one alert each, raised in the
        // first ten rounds, then re-activated and cleared every ten, so alert changes flow throughout.
        const int cycle = 10;
        var ct = TestContext.Current.CancellationToken;
        await using var backends = await Backends.StartAsync(ct);
        var (postgres, influx, mosquitto, redis) = (backends.Postgres, backends.Influx, backends.Mosquitto, backends.Redis);
        var assetIds = AssetIds[..assets];
        var registry = TestCity.GeoJson(assets);
        await using var siloA = await OwnServer.StartSiloAsync(influx, postgres, SiloSettings("silo-a", mosquitto, redis), registry, ct, TestCity.Regions());
        await using var siloB = await OwnServer.StartSiloAsync(influx, postgres, SiloSettings("silo-b", mosquitto, redis), registry, ct, TestCity.Regions());
        Assert.Equal(2, await ServerFixture.EventuallyAsync(() => ActiveSilosAsync(postgres, ct), n => n == 2, TimeSpan.FromSeconds(90), ct));

        // A wall stays live by being connected to a node that is up: what each hub connection received, and when.
        var received = new ConcurrentQueue<(string Node, DateTimeOffset At, string Method, string AssetId)>();
        async Task<HubConnection> ListenAsync(OwnServer silo, string node)
        {
            var hub = await silo.ConnectHubAsync(ct);
            foreach (var method in new[] { "alertRaised", "alertUpdated", "alertCleared" })
            {
                hub.On<JsonElement>(method, a => received.Enqueue((node, DateTimeOffset.UtcNow, method, a.GetProperty("assetId").GetString()!)));
            }

            return hub;
        }

        var hubs = new List<HubConnection> { await ListenAsync(siloA, "a"), await ListenAsync(siloB, "b") };

        // Readings flow at about 200 a second, a round per second, through both restarts and two rounds past them.
        using var publisher = new MqttClientFactory().CreateMqttClient();
        await publisher.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", mosquitto.Port).WithClientId("gateway").Build(), ct);
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-10);
        var rounds = 0;
        var restartsDone = false;
        var publishing = Task.Run(async () =>
        {
            for (var r = 0; r < cycle + 2 || !Volatile.Read(ref restartsDone); r++)
            {
                var roundStarted = DateTimeOffset.UtcNow;
                for (var i = 0; i < assetIds.Length; i++)
                {
                    var lel = i % cycle == r % cycle ? 60 : 1;
                    await PublishMethaneAsync(publisher, assetIds[i], t0.AddSeconds(r), lel, ct);
                }

                Volatile.Write(ref rounds, r + 1);
                var rest = TimeSpan.FromSeconds(1) - (DateTimeOffset.UtcNow - roundStarted);
                if (rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest, ct);
                }
            }
        }, ct);

        // Silo A restarts (a graceful stop, as a rolling update does), then silo B once A is back, readings flowing.
        await ServerFixture.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref rounds)), n => n >= 2, TimeSpan.FromSeconds(60), ct);
        var downs = new List<(string Node, DateTimeOffset From, DateTimeOffset To)>();
        foreach (var (silo, node) in new[] { (siloA, "a"), (siloB, "b") })
        {
            var from = DateTimeOffset.UtcNow;
            await silo.StopAppAsync();
            await silo.StartAppAsync(ct);
            await ServerFixture.EventuallyAsync(() => silo.Http.GetAsync("health/ready", ct), r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(90), ct);
            downs.Add((node, from, DateTimeOffset.UtcNow));
            hubs.Add(await ListenAsync(silo, node));
            var back = Volatile.Read(ref rounds);
            await ServerFixture.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref rounds)), n => n >= back + 2, TimeSpan.FromSeconds(60), ct);
        }

        Volatile.Write(ref restartsDone, true);
        await publishing;
        var published = Volatile.Read(ref rounds);
        TestContext.Current.SendDiagnosticMessage(
            $"{published} rounds of {assets} readings; restarts took {string.Join(", ", downs.Select(d => $"{d.Node} {(d.To - d.From).TotalSeconds:0.0} s"))}");

        // Every reading once in InfluxDB, every asset's alert once in PostgreSQL and listed by both nodes.
        var counts = await ServerFixture.EventuallyAsync(
            () => PointsPerAssetAsync(influx, ct), c => c.Values.Sum() >= assets * published, TimeSpan.FromMinutes(3), ct);
        Assert.All(assetIds, id => Assert.Equal(published, counts.GetValueOrDefault(id)));
        var alerts = await ServerFixture.EventuallyAsync(() => RedAlertsAsync(postgres, ct), a => a.Count >= assets, TimeSpan.FromSeconds(60), ct);
        Assert.Equal(assetIds, alerts.Order(StringComparer.Ordinal));
        foreach (var silo in new[] { siloA, siloB })
        {
            var listed = await ServerFixture.EventuallyAsync(() => ListedRedAsync(silo.Http, ct), l => l.Count >= assets, TimeSpan.FromSeconds(30), ct);
            Assert.Equal(assetIds, listed.Order(StringComparer.Ordinal));
        }

        // Every alert reached a wall, and while each node was down the other's clients kept receiving alert changes.
        var seen = await ServerFixture.EventuallyAsync(
            () => Task.FromResult(received.Where(r => r.Method == "alertRaised").Select(r => r.AssetId).ToHashSet()),
            s => s.IsSupersetOf(assetIds), TimeSpan.FromSeconds(30), ct);
        Assert.True(seen.IsSupersetOf(assetIds), $"alerts on no hub: {string.Join(", ", assetIds.Except(seen))}");
        foreach (var down in downs)
        {
            Assert.Contains(received, r => r.Node != down.Node && r.At >= down.From && r.At <= down.To);
        }

        foreach (var hub in hubs)
        {
            await hub.DisposeAsync();
        }
    }

    internal static Dictionary<string, string?> SiloSettings(string clientId, ServiceProcess mosquitto, ServiceProcess redis) => new()
    {
        ["Orleans:Membership"] = "AdoNet",
        ["Orleans:Persistence"] = "AdoNet",
        ["Orleans:ClusterId"] = "cluster-test",
        ["Mqtt:Mode"] = "External",
        ["Mqtt:Broker:Host"] = "127.0.0.1",
        ["Mqtt:Broker:Port"] = mosquitto.Port.ToString(CultureInfo.InvariantCulture),
        ["Mqtt:ClientId"] = clientId,
        ["Redis:Configuration"] = $"127.0.0.1:{redis.Port.ToString(CultureInfo.InvariantCulture)}",
        ["Influx:BatchSize"] = "1000",
        ["Influx:AwaitStored"] = "true",
        // Patience while membership declares a killed silo dead and its grains move (docs/decisions/0021-cluster-mode.md).
        ["Mqtt:DispatchRetryWindow"] = "00:03:00",
    };

    /// <summary>A gateway's methane reading for one asset, QoS 1, as the field devices send it.</summary>
    internal static Task PublishMethaneAsync(IMqttClient client, string asset, DateTimeOffset at, double lel, CancellationToken ct) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"rm/v1/{asset}/telemetry")
            .WithPayload(Encoding.UTF8.GetBytes(ServerFixture.Reading(at.ToUnixTimeMilliseconds(), ("ch4_lel", lel))))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);

    internal static async Task<int> ActiveSilosAsync(PostgresProcess postgres, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString(ServerFixture.Database));
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = 'cluster-test' AND status = 3", connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    private static async Task<List<string>> RedAlertsAsync(PostgresProcess postgres, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString(ServerFixture.Database));
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT asset_id FROM alerts WHERE rule_id = 'ch4_lel.high'", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var assets = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            assets.Add(reader.GetString(0));
        }

        return assets;
    }

    private static async Task<Dictionary<string, long>> PointsPerAssetAsync(InfluxDbProcess influx, CancellationToken ct)
    {
        var series = await influx.QueryAsync(ServerFixture.Database, "SELECT count(ch4_lel) FROM telemetry GROUP BY asset", ct);
        return series.ToDictionary(s => s.Tags["asset"], s => s.Column("count")[0].GetInt64());
    }

    /// <summary>
    /// A silo as a process of its own, so that it can be killed with SIGKILL, on the shared backends; its registry, region
    /// file, spool and journal are in a folder of its own that outlives a kill, so a restart finds them.
    /// </summary>
    private static async Task<ServerProcess> StartKillableSiloAsync(Backends backends, string clientId, string assetsGeoJson, CancellationToken ct)
    {
        var root = Directory.CreateTempSubdirectory($"riskmonitor-{clientId}-").FullName;
        await File.WriteAllTextAsync(Path.Combine(root, "assets.geojson"), assetsGeoJson, ct);
        await File.WriteAllTextAsync(Path.Combine(root, "regions.geojson"), TestCity.Regions(), ct);
        var silo = new ServerProcess(new Dictionary<string, string?>(SiloSettings(clientId, backends.Mosquitto, backends.Redis))
        {
            ["ConnectionStrings:RiskMonitor"] = backends.Postgres.ConnectionString(ServerFixture.Database),
            ["Influx:Url"] = backends.Influx.Url.ToString(),
            ["Influx:Database"] = ServerFixture.Database,
            ["Influx:SpoolDirectory"] = Path.Combine(root, "spool"),
            ["Influx:FlushInterval"] = "00:00:00.100",
            ["AlertJournal:Directory"] = Path.Combine(root, "journal"),
            ["Registry:AssetsPath"] = Path.Combine(root, "assets.geojson"),
            ["Registry:RegionsPath"] = Path.Combine(root, "regions.geojson"),
            // The same registry as the in-process silos: no demo hazmat vehicles.
            ["Registry:VehiclesPath"] = Path.Combine(root, "vehicles.geojson"),
            ["Registry:RestrictedZonesPath"] = Path.Combine(root, "restricted-zones.geojson"),
            ["Orleans:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        }, root);
        try
        {
            await silo.StartAsync(ct);
            return silo;
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Every node lists the red alerts of <paramref name="redAssets"/> in <c>GET /api/alerts</c>, counts them in the grids
    /// of <c>GET /api/map/regions</c> and groups them in <c>GET /api/incidents</c>, and all nodes answer the same. Polled
    /// with a deadline generous for a busy two-core machine; how long the nodes took is reported (the design figure is
    /// the feed's poll interval, 250 ms, and a read).
    /// </summary>
    private static async Task AssertReadSideShowsAsync(IReadOnlyList<HttpClient> nodes, IReadOnlyCollection<string> redAssets, CancellationToken ct)
    {
        var expected = redAssets.Order(StringComparer.Ordinal).ToList();
        var started = DateTimeOffset.UtcNow;
        var answers = new List<ReadSide>();
        foreach (var node in nodes)
        {
            answers.Add(await ServerFixture.EventuallyAsync(() => ReadSideAsync(node, ct), r => r.Shows(expected.Count), TimeSpan.FromSeconds(30), ct));
        }

        TestContext.Current.SendDiagnosticMessage(
            $"alerts, grids and incidents complete on {nodes.Count} node(s) {(DateTimeOffset.UtcNow - started).TotalSeconds:0.00} s after they were all in PostgreSQL");
        foreach (var answer in answers)
        {
            Assert.Equal(expected, answer.RedAssets);
            Assert.Equal(expected, answer.IncidentAssets);
            Assert.Equal(expected.Count, answer.RedInGrids);
            Assert.Equal(answers[0].Grids, answer.Grids);
        }
    }

    /// <summary>What a node answers: red alerts listed, each grid's colour and counts, the red alerts' assets in incidents.</summary>
    private sealed record ReadSide(IReadOnlyList<string> RedAssets, IReadOnlyList<string> Grids, int RedInGrids, IReadOnlyList<string> IncidentAssets)
    {
        public bool Shows(int red) => RedAssets.Count >= red && RedInGrids >= red && IncidentAssets.Count >= red;
    }

    private static async Task<ReadSide> ReadSideAsync(HttpClient node, CancellationToken ct)
    {
        var red = await ListedRedAsync(node, ct);
        var grids = (await node.GetFromJsonAsync<JsonElement>("api/map/regions?level=grid", ct)).GetProperty("features").EnumerateArray()
            .Select(f => f.GetProperty("properties")).ToList();
        var incidents = await node.GetFromJsonAsync<JsonElement>("api/incidents", ct);
        return new ReadSide(
            red.Order(StringComparer.Ordinal).ToList(),
            [.. grids.Select(g => $"{g.GetProperty("regionId").GetString()}: {g.GetProperty("colour")} {g.GetProperty("counts")}")],
            grids.Sum(g => g.GetProperty("counts").GetProperty("red").GetInt32()),
            [.. incidents.EnumerateArray().SelectMany(i => i.GetProperty("alertIds").EnumerateArray())
                .Select(id => id.GetString()!.Split('~')).Where(id => id[1] == "ch4_lel.high").Select(id => id[0]).Order(StringComparer.Ordinal)]);
    }

    /// <summary>A wall display opened now on <paramref name="baseUrl"/>: it counts the red alerts and colours their grids red.</summary>
    private async Task AssertWallShowsAsync(Uri baseUrl, int redAlerts, string screenshot)
    {
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1920, Height = 1080 },
            BaseURL = baseUrl.ToString(),
        });
        await BrowserFixture.SignInAsync(context, "wall.viewer", ["viewer"]);
        var page = await context.NewPageAsync();
        var errors = new ConcurrentQueue<string>();
        page.PageError += (_, error) => errors.Enqueue(error);
        await page.GotoAsync("/wall");
        await page.WaitForSelectorAsync("#connection[data-status='live']", new PageWaitForSelectorOptions { Timeout = 30_000 });

        await Assertions.Expect(page.Locator("#kpi-red")).ToHaveTextAsync(redAlerts.ToString(CultureInfo.InvariantCulture),
            new LocatorAssertionsToHaveTextOptions { Timeout = 15_000 });
        await page.WaitForFunctionAsync($"() => ['t-g1', 't-g2'].every(id => window.riskWall.regionLayers.get(id)?.options.fillColor === '{Red}')",
            null, new PageWaitForFunctionOptions { Timeout = 15_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, screenshot) });
        Assert.NotEqual(Red, await page.EvaluateAsync<string>("() => window.riskWall.regionLayers.get('t-g3').options.fillColor"));
        Assert.Empty(errors);
    }

    private static async Task<List<string>> ListedRedAsync(HttpClient node, CancellationToken ct) =>
        [.. (await node.GetFromJsonAsync<JsonElement>("api/alerts?minSeverity=red&limit=10000", ct)).GetProperty("items").EnumerateArray()
            .Where(a => a.GetProperty("ruleId").GetString() == "ch4_lel.high").Select(a => a.GetProperty("assetId").GetString()!)];

    internal static async Task<double> RaisedRedAsync(OwnServer silo, CancellationToken ct)
    {
        var text = await silo.Http.GetStringAsync("metrics", ct);
        return text.Split('\n').Where(l => l.StartsWith("rm_alerts_raised_total{", StringComparison.Ordinal) && l.Contains("severity=\"red\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    /// <summary>What a cluster stands on, as real processes: PostgreSQL, InfluxDB, Mosquitto and Redis, started together.</summary>
    internal sealed class Backends : IAsyncDisposable
    {
        public PostgresProcess Postgres { get; } = new();

        public InfluxDbProcess Influx { get; } = new();

        public ServiceProcess Mosquitto { get; } = ServiceProcess.Mosquitto();

        public ServiceProcess Redis { get; } = ServiceProcess.Redis();

        public static async Task<Backends> StartAsync(CancellationToken ct)
        {
            var backends = new Backends();
            try
            {
                await Task.WhenAll(backends.Postgres.StartAsync(ct), backends.Influx.StartAsync(ct), backends.Mosquitto.StartAsync(ct), backends.Redis.StartAsync(ct));
                await backends.Postgres.CreateDatabaseAsync(ServerFixture.Database, ct);
                await backends.Influx.CreateDatabaseAsync(ServerFixture.Database, ct);
                return backends;
            }
            catch
            {
                await backends.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Redis.DisposeAsync();
            await Mosquitto.DisposeAsync();
            await Influx.DisposeAsync();
            await Postgres.DisposeAsync();
        }
    }
}
