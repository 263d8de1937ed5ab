using RiskMonitor.Simulator.Assets;
using RiskMonitor.Simulator.Hosting;
using RiskMonitor.Simulator.Scenarios;

namespace RiskMonitor.Simulator.Tests.Scenarios;

public sealed class DemoDirectorTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan LastOpening = DemoPace.Default.Opening.Max(o => o.At);

    private static readonly IReadOnlyList<string> Everything = DemoService.Playable(
        [AssetKinds.GasPipeline, AssetKinds.Elevator, AssetKinds.HazardSource, AssetKinds.HazmatVehicle]);

    /// <summary>Walks the director second by second, as the hosted service does, and returns what started when.</summary>
    private static List<(TimeSpan At, ScenarioRequest Request)> Walk(DemoDirector director, TimeSpan span)
    {
        var started = new List<(TimeSpan, ScenarioRequest)>();
        for (var t = TimeSpan.Zero; t <= span; t += TimeSpan.FromSeconds(1))
        {
            started.AddRange(director.Due(Start + t).Select(r => (t, r)));
        }

        return started;
    }

    [Fact]
    public void Within_five_minutes_the_opening_plays_five_kinds_of_trouble()
    {
        var director = new DemoDirector(DemoPace.Default, new Random(42), Everything, Start);

        var started = Walk(director, TimeSpan.FromMinutes(5));

        var opening = started.Where(s => s.At <= TimeSpan.FromSeconds(180)).Select(s => s.Request.Name).ToList();
        Assert.Equal(
            [ScenarioCatalog.GasLeak, ScenarioCatalog.Entrapment, ScenarioCatalog.OverPressure, ScenarioCatalog.VehicleOffRoute, ScenarioCatalog.Silent],
            opening);
        // The first leak starts at 20 s and reaches red (50 % LEL) about 40 s later: a red alert in the first two minutes.
        Assert.Equal(TimeSpan.FromSeconds(20), started[0].At);
    }

    [Fact]
    public void After_the_opening_gaps_stay_between_the_bounds_and_average_near_the_mean()
    {
        var director = new DemoDirector(DemoPace.Default, new Random(7), Everything, Start);

        var started = Walk(director, TimeSpan.FromHours(24)).Where(s => s.At > LastOpening).ToList();

        var gaps = started.Zip(started.Skip(1), (a, b) => b.At - a.At).ToList();
        Assert.All(gaps, g => Assert.InRange(g, DemoPace.Default.MinGap, DemoPace.Default.MaxGap));
        // About 24 h / ~80 s (the clamped exponential's mean) = ~1 000 scenarios: lively, but one at a time.
        Assert.InRange(started.Count, 800, 1_300);
        Assert.InRange(gaps.Average(g => g.TotalSeconds), 65, 110);
    }

    [Fact]
    public void Kinds_follow_their_weights_and_a_storm_is_small()
    {
        var director = new DemoDirector(DemoPace.Default, new Random(3), Everything, Start);

        var later = Walk(director, TimeSpan.FromHours(48)).Where(s => s.At > LastOpening).Select(s => s.Request).ToList();

        double Share(string name) => later.Count(r => r.Name == name) / (double)later.Count;
        Assert.InRange(Share(ScenarioCatalog.GasLeak), 0.25, 0.35);
        Assert.InRange(Share(ScenarioCatalog.Entrapment), 0.16, 0.24);
        Assert.InRange(Share(ScenarioCatalog.Storm), 0.02, 0.08);
        Assert.All(later.Where(r => r.Name == ScenarioCatalog.Storm), r => Assert.Equal(DemoPace.StormSize, r.Count));
        Assert.DoesNotContain(later, r => r.Name == ScenarioCatalog.Malformed);
    }

    [Fact]
    public void A_city_without_vehicles_never_gets_a_vehicle_scenario()
    {
        var playable = DemoService.Playable([AssetKinds.GasPipeline, AssetKinds.Elevator, AssetKinds.HazardSource]);
        var director = new DemoDirector(DemoPace.Default, new Random(1), playable, Start);

        var started = Walk(director, TimeSpan.FromHours(6)).Select(s => s.Request.Name).ToList();

        Assert.DoesNotContain(ScenarioCatalog.VehicleOffRoute, started);
        Assert.DoesNotContain(ScenarioCatalog.VehicleIntoZone, started);
        Assert.Contains(ScenarioCatalog.Silent, started);
    }

    [Fact]
    public void After_a_long_pause_one_scenario_starts_not_the_backlog()
    {
        var director = new DemoDirector(DemoPace.Default, new Random(5), Everything, Start);
        Walk(director, LastOpening + TimeSpan.FromMinutes(1));

        var afterSleep = director.Due(Start + TimeSpan.FromHours(3));

        Assert.Single(afterSleep);
        Assert.True(director.NextAt >= Start + TimeSpan.FromHours(3) + DemoPace.Default.MinGap);
    }

    [Fact]
    public void The_same_seed_plays_the_same_demo()
    {
        var a = Walk(new DemoDirector(DemoPace.Default, new Random(9), Everything, Start), TimeSpan.FromHours(1));
        var b = Walk(new DemoDirector(DemoPace.Default, new Random(9), Everything, Start), TimeSpan.FromHours(1));

        Assert.Equal(a.Select(s => (s.At, s.Request.Name)), b.Select(s => (s.At, s.Request.Name)));
    }
}
