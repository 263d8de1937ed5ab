using System.Text.Json;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Rules;
using RiskMonitor.Domain.Rules.Groups;
using RiskMonitor.Simulator.Assets;
using RiskMonitor.Simulator.Scenarios;
using RiskMonitor.Simulator.Telemetry;

namespace RiskMonitor.Simulator.Tests.Scenarios;

/// <summary>
/// The demo's pipeline with three detectors (decision 0055): the faulty one alone is held at orange and flagged drifting;
/// the leak two of them see is a corroborated red. The simulator's own readings through the server's pure rules.
/// </summary>
public sealed class SegmentScenarioTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private static string RepoFile(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine([dir.FullName, .. parts]);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"{Path.Combine(parts)} not found above {AppContext.BaseDirectory}");
    }

    [Fact]
    public void The_demo_segment_is_the_group_the_shipped_rules_name_and_its_members_are_pipelines_of_the_demo_city()
    {
        using var rules = JsonDocument.Parse(File.ReadAllText(RepoFile("src", "RiskMonitor.Server", "config", "rules.json")), Lenient);
        using var city = JsonDocument.Parse(File.ReadAllText(RepoFile("data", "demo-city", "assets.geojson")));

        var group = rules.RootElement.GetProperty("groups").GetProperty(DemoSegment.GroupId);
        var pipelines = city.RootElement.GetProperty("features").EnumerateArray()
            .Select(f => f.GetProperty("properties"))
            .Where(p => p.GetProperty("kind").GetString() == AssetKinds.GasPipeline)
            .Select(p => p.GetProperty("id").GetString())
            .ToHashSet();

        Assert.Equal(DemoSegment.Members, group.GetProperty("members").EnumerateArray().Select(m => m.GetString()));
        Assert.All(DemoSegment.Members, m => Assert.Contains(m, pipelines));
        Assert.Equal(2, group.GetProperty("corroboration").GetProperty("k").GetInt32());
    }

    [Fact]
    public void The_demo_opening_plays_the_faulty_detector_alone_then_a_leak_two_detectors_see_and_each_gives_its_verdict()
    {
        // The segment's part of the demo opening, at its own offsets.
        var opening = DemoPace.Default.Opening
            .Select(o => (o.At, Parsed: ScenarioRequest.TryParse(o.Scenario, out var r, out _) ? r : null))
            .Where(o => o.Parsed?.Target is { } t && DemoSegment.Members.Contains(t))
            .ToList();
        Assert.Equal(3, opening.Count);
        var assets = DemoSegment.Members.Select(id => new SimAsset(id, AssetKinds.GasPipeline, id, TimeSpan.FromSeconds(5))).ToList();
        var engine = new ScenarioEngine(assets, ScenarioSettings.Default, new Random(11));
        foreach (var (at, request) in opening)
        {
            Assert.Equal(ScenarioOutcomeKind.Accepted, engine.Start(request!, T0 + at).Kind);
        }

        var models = assets.Select((a, i) => (a.Id, Model: ValueModel.For(a, seed: 100 + i))).ToDictionary(m => m.Id, m => m.Model);
        var thresholds = assets.ToDictionary(a => a.Id, _ => new ThresholdRule(new ThresholdRuleDefinition("ch4_lel.high", "ch4_lel", MethaneLadder())));
        // As config/rules.json ships seg-daguan.
        var group = new DetectorGroup(new DetectorGroupDefinition(DemoSegment.GroupId, "ch4_lel", DemoSegment.Members,
            new CorroborationDefinition("ch4_lel.high", 2, WarningLevel.Orange),
            new NeighbourDriftDefinition(10, TimeSpan.FromSeconds(180), WarningLevel.Blue, 2, TimeSpan.FromSeconds(120))));
        var faultyStart = T0 + opening.Single(o => o.Parsed!.Name == SensorScenarios.FaultyDetector).At;
        var leakStart = T0 + opening.First(o => o.Parsed!.Name == ScenarioCatalog.GasLeak).At;

        DateTimeOffset? heldAtOrange = null, drifting = null, corroboratedRed = null;
        for (var at = T0; at <= leakStart + RampProfile.GasLeak.Duration; at = at.AddSeconds(5))
        {
            foreach (var asset in assets)
            {
                var values = models[asset.Id].Next(at, asset.ReportingInterval);
                engine.Apply(asset.Id, at, values);
                var methane = values[Channels.Ch4Lel];
                var own = thresholds[asset.Id].Evaluate(methane, at);
                var update = group.Apply(asset.Id, own, methane, at)!;
                if (asset.Id == DemoSegment.Faulty && own == WarningLevel.Red && update.Ceiling == WarningLevel.Orange)
                {
                    heldAtOrange ??= at;
                }

                if (update.Drift is { Drifting: true } d)
                {
                    Assert.Equal(DemoSegment.Faulty, d.MemberId); // only the faulty detector is ever called drifting
                    drifting ??= at;
                }

                if (update.Ceiling == WarningLevel.Red && update.Agreeing >= 2)
                {
                    corroboratedRed ??= at;
                }
            }

            engine.TakeDue(at);
        }

        Assert.NotNull(heldAtOrange);
        Assert.InRange(drifting!.Value, faultyStart + TimeSpan.FromSeconds(180), faultyStart + TimeSpan.FromMinutes(6));
        Assert.True(corroboratedRed > leakStart, "a corroborated red only once the two detectors leak");
        Assert.True(corroboratedRed < leakStart + RampProfile.GasLeak.Duration);
    }

    [Fact]
    public void A_faulty_detector_reads_about_55_percent_LEL_with_noise_for_its_duration_and_normally_afterwards()
    {
        var pipe = new SimAsset(DemoSegment.Faulty, AssetKinds.GasPipeline, "管段", TimeSpan.FromSeconds(5));
        var engine = new ScenarioEngine([pipe], ScenarioSettings.Default, new Random(2));
        var started = engine.Start(new ScenarioRequest(SensorScenarios.FaultyDetector, pipe.Id), T0);

        var during = Enumerable.Range(0, 60).Select(i =>
        {
            var values = new ChannelValues().Set(Channels.Ch4Lel, 0.4);
            engine.Apply(pipe.Id, T0.AddSeconds(i * 5), values);
            return values[Channels.Ch4Lel];
        }).ToList();
        var after = new ChannelValues().Set(Channels.Ch4Lel, 0.4);
        engine.Apply(pipe.Id, T0.AddMinutes(6), after);

        Assert.Equal(T0.AddMinutes(6), started.Started!.EndsAt);
        Assert.All(during, v => Assert.InRange(v, 50, 60));
        Assert.True(during.Distinct().Count() > 10, "noisy, so the stuck-sensor rule does not call it stuck as well");
        Assert.Equal(0.4, after[Channels.Ch4Lel]);
    }

    private static ThresholdLadder MethaneLadder() => new(
        ThresholdDirection.Above,
        new Dictionary<WarningLevel, double> { [WarningLevel.Blue] = 5, [WarningLevel.Yellow] = 10, [WarningLevel.Orange] = 25, [WarningLevel.Red] = 50 },
        0.9,
        new Dictionary<WarningLevel, TimeSpan>
        {
            [WarningLevel.Blue] = TimeSpan.FromSeconds(10),
            [WarningLevel.Yellow] = TimeSpan.FromSeconds(10),
            [WarningLevel.Orange] = TimeSpan.FromSeconds(10),
            [WarningLevel.Red] = TimeSpan.Zero,
        });
}
