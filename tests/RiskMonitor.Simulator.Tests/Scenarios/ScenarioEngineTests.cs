using System.Text;
using System.Text.Json;
using RiskMonitor.Simulator.Assets;
using RiskMonitor.Simulator.Scenarios;
using RiskMonitor.Simulator.Telemetry;

namespace RiskMonitor.Simulator.Tests.Scenarios;

public sealed class ScenarioEngineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static readonly SimAsset[] Assets =
    [
        .. Enumerable.Range(1, 30).Select(n => new SimAsset($"gp-{n:0000}", AssetKinds.GasPipeline, $"管段{n}", TimeSpan.FromSeconds(5))),
        new("el-0001", AssetKinds.Elevator, "1号电梯", TimeSpan.FromSeconds(10), 18),
        new("hz-0001", AssetKinds.HazardSource, "液氯储罐1", TimeSpan.FromSeconds(5)),
        new("gs-0001", AssetKinds.GasStation, "加气站", TimeSpan.FromSeconds(5)),
    ];

    private static ScenarioEngine NewEngine(ScenarioSettings? settings = null) => new(Assets, settings ?? ScenarioSettings.Default, new Random(1));

    [Fact]
    public void A_gas_leak_sampled_every_five_seconds_reaches_red_and_clears()
    {
        var engine = NewEngine();
        Assert.Equal(ScenarioOutcomeKind.Accepted, engine.Start(new ScenarioRequest("gas-leak", "gp-0003"), T0).Kind);

        var readings = new List<double>();
        for (var s = 0; s <= 120; s += 5)
        {
            var values = new ChannelValues().Set(Channels.Ch4Lel, 0.8);
            Assert.True(engine.Apply("gp-0003", T0.AddSeconds(s), values));
            readings.Add(values[Channels.Ch4Lel]);
            engine.TakeDue(T0.AddSeconds(s));
        }

        Assert.True(readings.Max() >= 50);
        Assert.True(readings[^1] < 4.5);
        Assert.Equal(0, engine.RunCount);
    }

    [Fact]
    public void Readings_of_other_assets_are_left_alone()
    {
        var engine = NewEngine();
        engine.Start(new ScenarioRequest("gas-leak", "gp-0003"), T0);
        var values = new ChannelValues().Set(Channels.Ch4Lel, 0.8);

        Assert.True(engine.Apply("gp-0004", T0.AddSeconds(50), values));

        Assert.Equal(0.8, values[Channels.Ch4Lel]);
    }

    [Fact]
    public void An_entrapment_raises_then_clears_its_event_after_the_duration()
    {
        var engine = NewEngine(ScenarioSettings.Default with { EntrapmentDuration = TimeSpan.FromSeconds(120) });
        engine.Start(new ScenarioRequest("entrapment", "el-0001", TimeSpan.FromSeconds(30)), T0);

        Assert.Empty(engine.TakeDue(T0.AddSeconds(29)));
        var raised = Assert.Single(engine.TakeDue(T0.AddSeconds(30)));
        Assert.Empty(engine.TakeDue(T0.AddSeconds(149)));
        var cleared = Assert.Single(engine.TakeDue(T0.AddSeconds(150)));

        Assert.Equal("rm/v1/el-0001/event", raised.Topic);
        using var start = JsonDocument.Parse(raised.Payload);
        Assert.Equal("entrapment", start.RootElement.GetProperty("code").GetString());
        Assert.True(start.RootElement.GetProperty("active").GetBoolean());
        Assert.InRange(start.RootElement.GetProperty("detail").GetProperty("floor").GetInt32(), 1, 18);
        Assert.InRange(start.RootElement.GetProperty("detail").GetProperty("passengers").GetInt32(), 1, 4);
        using var end = JsonDocument.Parse(cleared.Payload);
        Assert.False(end.RootElement.GetProperty("active").GetBoolean());
        Assert.True(raised.Reliable && cleared.Reliable);
    }

    [Fact]
    public void A_trapped_car_reports_standing_still_with_the_door_shut()
    {
        var engine = NewEngine();
        engine.CurrentFloor = _ => 7;
        engine.Start(new ScenarioRequest("entrapment", "el-0001"), T0);
        var values = new ChannelValues().Set(Channels.SpeedMps, 1.5).Set(Channels.DoorOpen, 1).Set(Channels.Floor, 3);

        engine.Apply("el-0001", T0.AddSeconds(10), values);

        Assert.Equal(0, values[Channels.SpeedMps]);
        Assert.Equal(0, values[Channels.DoorOpen]);
        Assert.Equal(7, values[Channels.Floor]);
    }

    [Fact]
    public void A_silent_asset_sends_nothing_and_with_status_goes_offline_then_online()
    {
        var engine = NewEngine();
        engine.Start(new ScenarioRequest("silent", "hz-0001", Duration: TimeSpan.FromSeconds(60), PublishStatus: true), T0);

        var offline = Assert.Single(engine.TakeDue(T0));
        Assert.False(engine.Apply("hz-0001", T0.AddSeconds(30), new ChannelValues()));
        Assert.True(engine.IsReportedOffline("hz-0001"));
        var online = Assert.Single(engine.TakeDue(T0.AddSeconds(60)));

        Assert.Equal(("rm/v1/hz-0001/status", "offline", true), (offline.Topic, Encoding.UTF8.GetString(offline.Payload), offline.Retain));
        Assert.Equal(("rm/v1/hz-0001/status", "online", true), (online.Topic, Encoding.UTF8.GetString(online.Payload), online.Retain));
        Assert.False(engine.IsReportedOffline("hz-0001"));
        Assert.True(engine.Apply("hz-0001", T0.AddSeconds(61), new ChannelValues()));
    }

    [Fact]
    public void Silent_by_default_leaves_the_status_alone()
    {
        var engine = NewEngine();
        engine.Start(new ScenarioRequest("silent", "hz-0001"), T0);

        Assert.Empty(engine.TakeDue(T0));
        Assert.False(engine.Apply("hz-0001", T0.AddMinutes(4), new ChannelValues()));
        Assert.True(engine.Apply("hz-0001", T0.AddMinutes(5), new ChannelValues()));
    }

    [Fact]
    public void Malformed_sends_one_of_each_bad_payload_once()
    {
        var engine = NewEngine();
        engine.Start(new ScenarioRequest("malformed"), T0);

        var messages = engine.TakeDue(T0);

        Assert.Equal(12, messages.Count);
        Assert.Contains(messages, m => m.Payload.Length > 64 * 1024);
        Assert.Contains(messages, m => m.Topic == "rm/v1/bad id!/telemetry");
        Assert.Contains(messages, m => m.Topic == "rm/v1/gp-0001/whatever");
        Assert.Contains(messages, m => Encoding.UTF8.GetString(m.Payload) == "[]");
        Assert.Contains(messages, m => Encoding.UTF8.GetString(m.Payload).Contains("1e999", StringComparison.Ordinal));
        Assert.Empty(engine.TakeDue(T0.AddSeconds(1)));
    }

    [Fact]
    public void The_future_timestamp_is_ten_minutes_ahead()
    {
        var messages = MalformedPayloads.Build("gp-0001", T0);

        var future = messages.Single(m => m.Description.Contains("future", StringComparison.Ordinal));
        using var document = JsonDocument.Parse(future.Payload);
        Assert.Equal(T0.AddMinutes(10).ToUnixTimeMilliseconds(), document.RootElement.GetProperty("ts").GetInt64());
    }

    [Fact]
    public void A_storm_leaks_on_distinct_pipelines()
    {
        var engine = NewEngine();

        var outcome = engine.Start(new ScenarioRequest("storm", Count: 20), T0);

        Assert.Equal(ScenarioOutcomeKind.Accepted, outcome.Kind);
        Assert.Equal(20, outcome.Started!.AssetIds.Distinct().Count());
        Assert.All(outcome.Started.AssetIds, id => Assert.StartsWith("gp-", id, StringComparison.Ordinal));
        Assert.Equal(20, engine.RunCount);
    }

    [Theory]
    [InlineData("gas-leak", "el-0001", "WrongKind")]
    [InlineData("entrapment", "gp-0001", "WrongKind")]
    [InlineData("over-pressure", "hz-9999", "UnknownAsset")]
    [InlineData("flood", "gp-0001", "UnknownScenario")]
    public void Requests_that_do_not_fit_are_refused(string name, string target, string expected)
    {
        var engine = NewEngine();

        Assert.Equal(expected, engine.Start(new ScenarioRequest(name, target), T0).Kind.ToString());
    }

    [Fact]
    public void The_same_scenario_twice_on_one_asset_is_refused()
    {
        var engine = NewEngine();
        engine.Start(new ScenarioRequest("gas-leak", "gs-0001"), T0);

        Assert.Equal(ScenarioOutcomeKind.Busy, engine.Start(new ScenarioRequest("gas-leak", "gs-0001"), T0.AddSeconds(1)).Kind);
    }

    [Fact]
    public void Stopping_all_sends_the_closing_messages_and_drops_pending_runs()
    {
        var engine = NewEngine();
        engine.Start(new ScenarioRequest("entrapment", "el-0001"), T0);
        engine.Start(new ScenarioRequest("gas-leak", "gp-0001", TimeSpan.FromMinutes(5)), T0);
        engine.TakeDue(T0);

        engine.StopAll(T0.AddSeconds(10));
        var closing = engine.TakeDue(T0.AddSeconds(10));

        Assert.Single(closing);
        Assert.Equal(0, engine.RunCount);
        Assert.Contains(engine.Snapshot(T0).Recent, r => r.State == "cancelled");
    }
}
