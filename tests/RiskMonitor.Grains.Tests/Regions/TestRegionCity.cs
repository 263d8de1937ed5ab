using System.Collections.Concurrent;
using NetTopologySuite.Geometries;
using RiskMonitor.Contracts.Regions;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Regions;

namespace RiskMonitor.Grains.Tests.Regions;

/// <summary>
/// A small hierarchy in planar units for the region grains: rc-city -> rd-a (x 0..2) -> rs-a -> rm-a -> grids rg-1
/// (0..1), rg-2 (1..2); rc-city -> rd-b (x 2..4) -> rs-b -> grids rg-3 (2..3), rg-4 (3..4) with no community level.
/// Its assets are placed from geometry, so the pipeline rgp-001 lands in rg-1, rg-2 and rg-3 (primary rg-2).
/// </summary>
internal static class TestRegionCity
{
    private static readonly GeometryFactory Factory = new();

    public static IReadOnlyList<RegionDefinition> Regions { get; } =
    [
        Region("rc-city", RegionLevel.City, null, 0, 4),
        Region("rd-a", RegionLevel.District, "rc-city", 0, 2),
        Region("rd-b", RegionLevel.District, "rc-city", 2, 4),
        Region("rs-a", RegionLevel.Street, "rd-a", 0, 2),
        Region("rs-b", RegionLevel.Street, "rd-b", 2, 4),
        Region("rm-a", RegionLevel.Community, "rs-a", 0, 2),
        Region("rg-1", RegionLevel.Grid, "rm-a", 0, 1),
        Region("rg-2", RegionLevel.Grid, "rm-a", 1, 2),
        Region("rg-3", RegionLevel.Grid, "rs-b", 2, 3),
        Region("rg-4", RegionLevel.Grid, "rs-b", 3, 4),
    ];

    public static RegionMap Map { get; }

    /// <summary>The assets with their placement stamped in, as the server's registry holds them.</summary>
    public static IReadOnlyList<AssetDefinition> Assets { get; }

    static TestRegionCity()
    {
        AssetDefinition[] assets =
        [
            Asset("rgp-001", "gas_pipeline", "gas", RiskColour.Blue, Line((0.5, 0.5), (2.5, 0.5))),
            Asset("rgp-002", "gas_pipeline", "gas", RiskColour.Blue, Line((1.2, 0.2), (1.8, 0.2))),
            Asset("rhz-001", "hazard_source", "hazardous_chemicals", RiskColour.Red, Point(2.5, 0.8)),
            Asset("rel-001", "elevator", "special_equipment", RiskColour.Yellow, Point(3.5, 0.5)),
            Asset("rgp-004", "gas_pipeline", "gas", RiskColour.Blue, Line((3.2, 0.2), (3.8, 0.2))),
            Asset("rgp-005", "gas_pipeline", "gas", RiskColour.Blue, Line((0.2, 0.8), (0.8, 0.8))),
            Asset("rgp-006", "gas_pipeline", "gas", RiskColour.Blue, Line((0.2, 0.6), (0.8, 0.6))),
        ];
        Map = RegionMap.Build(RegionIndex.Build(Regions), assets);
        Assets = [.. assets.Select(Map.Stamp)];
    }

    private static RegionDefinition Region(string id, RegionLevel level, string? parent, double x0, double x1) =>
        new(id, "区域 " + id, level, parent,
            Factory.CreatePolygon([new(x0, 0), new(x1, 0), new(x1, 1), new(x0, 1), new(x0, 0)]),
            new ResponsiblePerson("网格员 " + id, "0571-01234567"));

    private static AssetDefinition Asset(string id, string kind, string industry, RiskColour inherent, Geometry geometry) =>
        new(id, kind, "Test " + id, industry, geometry, inherent, null, null, null, RegionIndex.UnassignedId, null);

    private static Point Point(double x, double y) => Factory.CreatePoint(new Coordinate(x, y));

    private static LineString Line(params (double X, double Y)[] points) => Factory.CreateLineString([.. points.Select(p => new Coordinate(p.X, p.Y))]);
}

public sealed class RecordingRegionSink : IRegionEventSink
{
    private readonly ConcurrentQueue<RegionSummary> _changes = new();

    public IReadOnlyList<RegionSummary> For(string regionId) => [.. _changes.Where(c => c.RegionId == regionId)];

    public void RegionChanged(RegionSummary region) => _changes.Enqueue(region);
}
