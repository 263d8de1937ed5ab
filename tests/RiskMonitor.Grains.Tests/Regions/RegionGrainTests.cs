using System.Runtime.CompilerServices;
using RiskMonitor.Contracts.Assets;
using RiskMonitor.Contracts.Regions;
using RiskMonitor.Contracts.Telemetry;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Grains.Tests.Assets;
using Xunit.Sdk;

namespace RiskMonitor.Grains.Tests.Regions;

// Shares the cluster with the asset tests; every test here drives its own assets, and the assertions on shared
// regions (the city, the streets) only look at what those assets change.
[Collection(ClusterCollection.Name)]
public sealed class RegionGrainTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private IRegionGrain Region(string id) => fixture.Cluster.Client.GetGrain<IRegionGrain>(id);

    private IAssetGrain Asset(string id) => fixture.Cluster.Client.GetGrain<IAssetGrain>(id);

    private static long _sequence;

    /// <summary>Each reading a millisecond of device time after the last: an asset ignores samples not newer than its newest.</summary>
    private TelemetryBatch Methane(double lel)
    {
        var at = fixture.Time.GetUtcNow().AddMilliseconds(Interlocked.Increment(ref _sequence));
        return new([new TelemetrySample(at, [new MetricValue("ch4_lel", lel)])], at);
    }

    /// <summary>
    /// Upward pushes are coalesced and not awaited by the asset, so summaries above the grid settle shortly after. A
    /// summary that never settles fails the test here, with what it last was.
    /// </summary>
    private async Task<RegionSummary> EventuallyAsync(string regionId, Func<RegionSummary, bool> done, [CallerArgumentExpression(nameof(done))] string condition = "")
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var summary = await Region(regionId).GetSummary();
            if (done(summary))
            {
                return summary;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw FailException.ForFailure($"Region {regionId}: waited {Patience.TotalSeconds:0} s for {condition}; last seen: {summary}");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>The city once everything in flight has arrived: its dynamic counts equal the sum of its grids'.</summary>
    private async Task<RegionSummary> SettledCityAsync()
    {
        var grids = await Task.WhenAll(new[] { "rg-1", "rg-2", "rg-3", "rg-4" }.Select(id => Region(id).GetSummary().AsTask()));
        var expected = grids.Aggregate(default(ColourCounts), (sum, g) => sum + g.Tally.Dynamic.Counts);
        var city = await EventuallyAsync("rc-city", s => s.Tally.Dynamic.Counts == expected);
        Assert.Equal(expected, city.Tally.Dynamic.Counts);
        return city;
    }

    [Fact]
    public async Task The_inherent_layer_is_there_from_the_registry_before_any_asset_reports()
    {
        var city = await Region("rc-city").GetSummary();
        var districtB = await Region("rd-b").GetSummary();

        Assert.Equal(new ColourCounts(Blue: 5, Yellow: 1, Orange: 0, Red: 1), city.Tally.Inherent.Counts);
        Assert.Equal(RiskColour.Red, city.Tally.Inherent.Highest);
        Assert.Equal(RiskColour.Red, districtB.Tally.Inherent.HighestOf("hazardous_chemicals"));
        Assert.Equal(RiskColour.Yellow, districtB.Tally.Inherent.HighestOf("special_equipment"));
        Assert.Equal("网格员 rd-b", districtB.Supervisor?.Name);
        Assert.Equal(RegionLevel.District, districtB.Level);
        Assert.Equal("rc-city", districtB.ParentId);
    }

    [Fact]
    public async Task A_red_pipeline_turns_every_grid_it_crosses_and_their_ancestors_red_and_is_counted_once()
    {
        var before = await SettledCityAsync();
        var crossedBefore = await Region("rg-1").GetSummary();

        await Asset("rgp-001").Ingest(Methane(80));

        // The asset reports to its grids behind the reading (they may be activating from storage), so wait for them.
        var grids = await Task.WhenAll(new[] { "rg-1", "rg-2", "rg-3" }.Select(id => EventuallyAsync(id, g => g.Tally.Dynamic.Highest == RiskColour.Red)));
        Assert.All(grids, g => Assert.Equal(RiskColour.Red, g.Tally.Dynamic.Highest));
        Assert.Equal(1, grids[1].Tally.Dynamic.ByIndustry["gas"].Counted.Red); // rg-2 holds the pipeline's midpoint: it counts it
        Assert.Equal(crossedBefore.Tally.Dynamic.Counts, grids[0].Tally.Dynamic.Counts); // rg-1 only sees it pass through
        Assert.Equal(crossedBefore.Tally.Dynamic.Crossing.Red + 1, grids[0].Tally.Dynamic.Crossing.Red);
        foreach (var ancestor in new[] { "rm-a", "rs-a", "rd-a", "rs-b", "rd-b" })
        {
            Assert.Equal(RiskColour.Red, (await EventuallyAsync(ancestor, s => s.Tally.Dynamic.HighestOf("gas") == RiskColour.Red)).Tally.Dynamic.HighestOf("gas"));
        }

        var city = await EventuallyAsync("rc-city", s => s.Tally.Dynamic.Counts.Red == before.Tally.Dynamic.Counts.Red + 1);
        Assert.Equal(before.Tally.Dynamic.Counts.Red + 1, city.Tally.Dynamic.Counts.Red);
        Assert.Equal(before.Tally.Dynamic.Counts.Total, city.Tally.Dynamic.Counts.Total);
        Assert.Equal(before.Tally.Inherent, city.Tally.Inherent);
        Assert.Contains(fixture.RegionEvents.For("rc-city"), c => c.Tally.Dynamic.HighestOf("gas") == RiskColour.Red);
    }

    [Fact]
    public async Task When_the_pipeline_clears_its_grids_fall_back_to_their_inherent_colours()
    {
        var before = await SettledStreetAAsync();

        await Asset("rgp-002").Ingest(Methane(80));
        await EventuallyAsync("rs-a", s => s.Tally.Dynamic.Counts.Red == before.Tally.Dynamic.Counts.Red + 1);
        var red = await SettledStreetAAsync();
        await Asset("rgp-002").Ingest(Methane(0.5));
        await EventuallyAsync("rs-a", s => s.Tally.Dynamic.Counts == before.Tally.Dynamic.Counts);
        var after = await SettledStreetAAsync();

        Assert.Equal(RiskColour.Red, red.Tally.Dynamic.HighestOf("gas"));
        Assert.Equal(before.Tally.Dynamic.Counts.Red + 1, red.Tally.Dynamic.Counts.Red);
        Assert.Equal(before.Tally.Dynamic.Counts, after.Tally.Dynamic.Counts);
    }

    /// <summary>Street rs-a once what is in flight has arrived: its counts equal those of its grids rg-1 and rg-2.</summary>
    private async Task<RegionSummary> SettledStreetAAsync()
    {
        var expected = (await Region("rg-1").GetSummary()).Tally.Dynamic.Counts + (await Region("rg-2").GetSummary()).Tally.Dynamic.Counts;
        var street = await EventuallyAsync("rs-a", s => s.Tally.Dynamic.Counts == expected);
        Assert.Equal(expected, street.Tally.Dynamic.Counts);
        return street;
    }

    [Fact]
    public async Task An_entrapment_colours_the_elevator_industry_and_leaves_gas_alone()
    {
        var at = fixture.Time.GetUtcNow();

        await Asset("rel-001").IngestEvent(new DeviceEvent(at, "entrapment", true, null, at));

        var grid = await EventuallyAsync("rg-4", g => g.Tally.Dynamic.HighestOf("special_equipment") == RiskColour.Red);
        Assert.Equal(RiskColour.Red, grid.Tally.Dynamic.HighestOf("special_equipment"));
        Assert.Equal(RiskColour.Blue, grid.Tally.Dynamic.HighestOf("gas"));
        Assert.Equal(RiskColour.Yellow, grid.Tally.Inherent.HighestOf("special_equipment"));
        var district = await EventuallyAsync("rd-b", s => s.Tally.Dynamic.HighestOf("special_equipment") == RiskColour.Red);
        Assert.Equal(RiskColour.Red, district.Tally.Dynamic.HighestOf("special_equipment"));
    }

    [Fact]
    public async Task A_warning_below_an_assets_inherent_colour_changes_no_summary()
    {
        var before = await Region("rg-3").GetSummary();
        var start = fixture.Time.GetUtcNow();

        // Yellow on a red hazard source: the asset's colour stays red, so the grid has nothing to tell.
        await Asset("rhz-001").Ingest(new([new TelemetrySample(start, [new MetricValue("ch4_lel", 12)])], start));
        await Asset("rhz-001").Ingest(new([new TelemetrySample(start.AddSeconds(11), [new MetricValue("ch4_lel", 12)])], start));

        Assert.Equal(WarningLevel.Yellow, (await Asset("rhz-001").GetView()).Level);
        var after = await Region("rg-3").GetSummary();
        Assert.Equal(before.Version, after.Version);
    }

    [Fact]
    public async Task A_storm_on_one_grid_reaches_the_city_with_far_fewer_pushes_than_changes()
    {
        string[] pipes = ["rgp-005", "rgp-006"];
        var cityChangesBefore = fixture.RegionEvents.For("rc-city").Count;
        // What the grid holds from the tests before this one (rgp-001 of the red-pipeline test crosses rg-1 and stays red):
        // the storm's two pipes must leave it exactly so, whichever order the tests run in.
        var before = (await Region("rg-1").GetSummary()).Tally.Dynamic;

        for (var round = 0; round < 50; round++)
        {
            await Task.WhenAll(pipes.Select(p => Asset(p).Ingest(Methane(round % 2 == 0 ? 80 : 0.5)).AsTask()));
        }

        // Each asset reports its newest level when the previous report is through, so the grid may see fewer than the
        // 100 changes, but it ends clear.
        var grid = await EventuallyAsync("rg-1", g => g.Tally.Dynamic.Counts.Red == before.Counts.Red && g.Tally.Dynamic.Crossing.Red == before.Crossing.Red);
        Assert.True(grid.Version >= 2, $"rg-1 changed {grid.Version} times");
        Assert.Equal(before.Counts, grid.Tally.Dynamic.Counts);

        // However the pushes were coalesced, the city settles on the sum of its grids.
        await SettledCityAsync();
        var cityChanges = fixture.RegionEvents.For("rc-city").Count - cityChangesBefore;
        TestContext.Current.SendDiagnosticMessage($"rg-1 changes: {grid.Version}, city changes: {cityChanges}");
        Assert.True(cityChanges <= grid.Version, $"the city changed {cityChanges} times for {grid.Version} grid changes");
    }
}
