using BenchmarkDotNet.Attributes;
using NetTopologySuite.Geometries;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Storage.Registry;

namespace RiskMonitor.Benchmarks;

/// <summary>
/// The risk map's hot paths on the checked-in demo city: a point lookup in the region index, and a grid roll-up
/// delta followed by the parent's (what one asset level change costs the region chain, messaging aside).
/// </summary>
[MemoryDiagnoser]
public class RiskMapBenchmarks
{
    private readonly RegionRollup _grid = new();
    private readonly RegionRollup _parent = new();
    private RegionIndex _index = null!;
    private Point[] _points = null!;
    private RegionMember[] _members = null!;
    private int _tick;

    [GlobalSetup]
    public void Setup()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "data", "demo-city", "regions.geojson")))
        {
            dir = dir.Parent;
        }

        _index = GeoJsonRegionFile.Load(Path.Combine(dir?.FullName ?? ".", "data", "demo-city", "regions.geojson"));
        var factory = new GeometryFactory();
        var random = new Random(1);
        _points = [.. Enumerable.Range(0, 4096).Select(_ => factory.CreatePoint(new Coordinate(120.108 + (random.NextDouble() * 0.083), 30.223 + (random.NextDouble() * 0.054))))];
        _members = [.. Enumerable.Range(0, 50).Select(i => new RegionMember($"a-{i}", i % 3 == 0 ? "gas" : "special_equipment", RiskColour.Blue, true))];
        foreach (var member in _members)
        {
            _grid.ReportAsset(member, WarningLevel.None);
        }
    }

    [Benchmark]
    public int PointLookup() => _index.Locate(_points[_tick++ & 4095]).Length;

    [Benchmark]
    public bool GridAndParentDelta()
    {
        var k = _tick++;
        return _grid.ReportAsset(_members[k % _members.Length], (WarningLevel)((k / _members.Length) % 5)) && _parent.ReportChild("grid", _grid.Tally);
    }
}
