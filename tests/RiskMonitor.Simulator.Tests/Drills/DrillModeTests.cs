using System.Text;
using System.Text.Json;
using RiskMonitor.Simulator.Assets;
using RiskMonitor.Simulator.Cli;
using RiskMonitor.Simulator.Drills;
using RiskMonitor.Simulator.Scenarios;
using RiskMonitor.Simulator.Telemetry;

namespace RiskMonitor.Simulator.Tests.Drills;

/// <summary>Drill mode's pure parts (decision 0049): the real reading stays as measured, the drill copy goes on the drill channel.</summary>
public sealed class DrillModeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static readonly SimAsset[] Assets =
    [
        new("gp-0001", AssetKinds.GasPipeline, "管段1", TimeSpan.FromSeconds(5)),
        new("gp-0002", AssetKinds.GasPipeline, "管段2", TimeSpan.FromSeconds(5)),
        new("el-0001", AssetKinds.Elevator, "1号电梯", TimeSpan.FromSeconds(10), 18),
    ];

    private static ScenarioEngine NewEngine() => new(Assets, ScenarioSettings.Default with { EntrapmentDuration = TimeSpan.FromSeconds(60) }, new Random(1));

    [Fact]
    public void A_drill_leak_bends_only_the_drill_copy_and_names_its_drill()
    {
        var engine = NewEngine();
        Assert.Equal(ScenarioOutcomeKind.Accepted, engine.Start(new ScenarioRequest("gas-leak", "gp-0001", DrillId: "DR-20261206-ABCDEF"), T0).Kind);

        var real = new List<double>();
        var drill = new List<double>();
        for (var s = 0; s <= 90; s += 5)
        {
            var values = new ChannelValues().Set(Channels.Ch4Lel, 0.8);
            var copy = engine.ApplyDrill("gp-0001", T0.AddSeconds(s), values);
            Assert.True(engine.Apply("gp-0001", T0.AddSeconds(s), values));
            real.Add(values[Channels.Ch4Lel]);
            if (copy is { } c)
            {
                Assert.Equal("DR-20261206-ABCDEF", c.DrillId);
                drill.Add(c.Values[Channels.Ch4Lel]);
            }

            Assert.Empty(engine.TakeDue(T0.AddSeconds(s))); // a leak has no one-off messages, drill or not
        }

        Assert.All(real, v => Assert.Equal(0.8, v));
        Assert.True(drill.Max() >= 50, "the drill copy crosses red");
        Assert.Equal(16, drill.Count); // 0..75 s: the leak's 80 s, then nothing more on the drill channel
        Assert.Null(engine.ApplyDrill("gp-0002", T0.AddSeconds(30), new ChannelValues().Set(Channels.Ch4Lel, 0.8)));
    }

    [Fact]
    public void A_drill_entrapment_sends_its_events_on_the_drill_channel_inside_the_envelope_and_nothing_on_the_event_channel()
    {
        var engine = NewEngine();
        engine.Start(new ScenarioRequest("entrapment", "el-0001", DrillId: "DR-1"), T0);

        var messages = engine.TakeDue(T0).Concat(engine.TakeDue(T0.AddSeconds(61))).ToList();

        Assert.Equal(2, messages.Count);
        Assert.All(messages, m => Assert.Equal("rm/v1/el-0001/drill", m.Topic));
        Assert.All(messages, m => Assert.False(m.Retain));
        var envelopes = messages.Select(m => JsonDocument.Parse(m.Payload).RootElement).ToList();
        Assert.All(envelopes, e => Assert.Equal("DR-1", e.GetProperty("drill").GetString()));
        Assert.Equal([true, false], envelopes.Select(e => e.GetProperty("event").GetProperty("active").GetBoolean()));
        Assert.Equal("entrapment", envelopes[0].GetProperty("event").GetProperty("code").GetString());
        Assert.False(envelopes[0].TryGetProperty("telemetry", out _));
    }

    [Fact]
    public void A_drill_reading_is_the_ordinary_telemetry_object_inside_the_envelope()
    {
        var sample = new TelemetrySample(T0, new ChannelValues().Set(Channels.Ch4Lel, 42.5));

        var message = DrillChannel.Reading("DR-2", "gp-0002", sample, reliable: true);

        Assert.Equal("rm/v1/gp-0002/drill", message.Topic);
        Assert.True(message.Reliable);
        var envelope = JsonDocument.Parse(message.Payload).RootElement;
        Assert.Equal("DR-2", envelope.GetProperty("drill").GetString());
        Assert.Equal(Encoding.UTF8.GetString(PayloadBuilder.Telemetry(sample)), envelope.GetProperty("telemetry").GetRawText());
    }

    [Theory]
    [InlineData("silent:gp-0001")]
    [InlineData("malformed")]
    [InlineData("vehicle-off-route")]
    public void Scenarios_a_drill_key_cannot_take_are_refused_on_the_command_line_and_by_the_engine(string spec)
    {
        var command = CommandLine.Parse(["--drill", spec, "--token", "t"]);
        Assert.True(ScenarioRequest.TryParse(spec, out var request, out _));

        var outcome = NewEngine().Start(request with { DrillId = "DR-3" }, T0);

        Assert.Equal(CommandKind.Invalid, command.Kind);
        Assert.Contains("--drill", command.Error, StringComparison.Ordinal);
        Assert.Equal(ScenarioOutcomeKind.WrongKind, outcome.Kind);
    }

    [Fact]
    public void Drill_options_are_read_and_a_drill_without_a_token_is_refused()
    {
        var command = CommandLine.Parse(["--drill", "gas-leak:gp-0001", "--drill", "entrapment:el-0001@30s", "--drill-title", "燃气演练", "--drill-length", "90s",
            "--drill-report", "/tmp/r.json", "--api", "http://127.0.0.1:9000/", "--token", "abc"]);
        var noToken = CommandLine.Parse(["--drill", "gas-leak", "--token", " "]);

        Assert.Equal(CommandKind.Run, command.Kind);
        var run = command.Run!;
        Assert.Equal(["gas-leak", "entrapment"], run.DrillScenarios.Select(s => s.Name));
        Assert.Equal(TimeSpan.FromSeconds(30), run.DrillScenarios[1].Delay);
        Assert.Equal("燃气演练", run.DrillTitle);
        Assert.Equal(TimeSpan.FromSeconds(90), run.DrillLength);
        Assert.Equal("/tmp/r.json", run.DrillReportPath);
        Assert.Equal(new Uri("http://127.0.0.1:9000/"), run.EffectiveApiUrl);
        Assert.Equal("abc", run.Token);
        Assert.Empty(run.Scenarios);
        Assert.Equal(CommandKind.Invalid, noToken.Kind);
    }

    [Fact]
    public void The_report_reads_as_who_acknowledged_arrived_and_reported_and_how_long_each_took()
    {
        var report = JsonDocument.Parse("""
            {"drillId":"DR-4","summary":{"alerts":1,"acknowledged":1,"clocksMet":1,"clocksMetLate":0,"clocksMissed":0},
             "alerts":[{"alertId":"gp-0001!DR-4~ch4~1","ruleId":"gas.ch4_lel","clock":"met",
               "acknowledged":{"actor":"li.wei","secondsAfterRaise":42.2},"workStarted":{"actor":"wang.fang","secondsAfterRaise":300}}],
             "incidents":[{"incidentId":"inc-1","title":"演练泄漏","grade":"general","clocks":[{"late":false}],
               "steps":[{"act":"reported","subject":"first:county","who":"zhang.min","secondsAfter":1800}]}],
             "hazards":[{"hazardId":"hz-1","level":"major","status":"assigned","clock":"running","steps":[]}],
             "somethingNew":true}
            """).RootElement;

        var lines = DrillReportText.Lines(report);

        Assert.Equal("1 drill alert(s), 1 acknowledged; acknowledge clocks met 1, late 0, missed 0", lines[0]);
        Assert.Equal("alert gp-0001!DR-4~ch4~1 (gas.ch4_lel): acknowledged by li.wei after 42 s; on site by wang.fang after 300 s; acknowledge clock met", lines[1]);
        Assert.Equal("incident inc-1 演练泄漏 (general): reported first:county by zhang.min after 1800 s; reporting clocks late 0", lines[2]);
        Assert.Equal("hazard hz-1 (major, assigned): nobody acted; deadline clock running", lines[3]);
    }
}
