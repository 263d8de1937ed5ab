using System.Collections.Immutable;
using RiskMonitor.Contracts.Regions;
using RiskMonitor.Domain.Regions;

namespace RiskMonitor.Grains.Regions;

/// <summary>
/// What a region grain persists besides what the registry already says: the last report of every asset that has
/// reported (a grid), and the last summary of every child that has reported (above the grids). Ids are a storage
/// contract. Plain collections of plain values, so any grain-storage serializer (Orleans or JSON) round-trips them.
/// </summary>
[GenerateSerializer, Alias("rm.RegionGrainState.v1")]
public sealed class RegionGrainState
{
    [Id(0)] public Dictionary<string, RegionAssetReport> Assets { get; set; } = [];

    [Id(1)] public Dictionary<string, StoredTally> Children { get; set; } = [];
}

/// <summary>A <see cref="RegionTally"/> in storage: per industry eight counts (counted blue..red, crossing blue..red).</summary>
[GenerateSerializer, Alias("rm.StoredTally.v1")]
public sealed class StoredTally
{
    [Id(0)] public Dictionary<string, int[]> Inherent { get; set; } = [];

    [Id(1)] public Dictionary<string, int[]> Dynamic { get; set; } = [];

    public static StoredTally From(RegionTally tally)
    {
        ArgumentNullException.ThrowIfNull(tally);
        return new StoredTally { Inherent = Store(tally.Inherent), Dynamic = Store(tally.Dynamic) };
    }

    public RegionTally ToDomain() => new(Load(Inherent), Load(Dynamic));

    private static Dictionary<string, int[]> Store(LayerTally layer) => layer.ByIndustry.ToDictionary(
        e => e.Key,
        e => new[]
        {
            e.Value.Counted.Blue, e.Value.Counted.Yellow, e.Value.Counted.Orange, e.Value.Counted.Red,
            e.Value.Crossing.Blue, e.Value.Crossing.Yellow, e.Value.Crossing.Orange, e.Value.Crossing.Red,
        },
        StringComparer.Ordinal);

    private static LayerTally Load(Dictionary<string, int[]>? stored) => stored is not { Count: > 0 }
        ? LayerTally.Empty
        : new LayerTally(stored.Where(e => e.Value is { Length: 8 }).ToImmutableSortedDictionary(
            e => e.Key,
            e => new IndustryTally(new ColourCounts(e.Value[0], e.Value[1], e.Value[2], e.Value[3]), new ColourCounts(e.Value[4], e.Value[5], e.Value[6], e.Value[7])),
            StringComparer.Ordinal));
}
