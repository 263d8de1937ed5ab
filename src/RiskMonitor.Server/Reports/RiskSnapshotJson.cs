using RiskMonitor.Domain;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Server.Regions;
using RiskMonitor.Storage.History;

namespace RiskMonitor.Server.Reports;

/// <summary>
/// <c>GET /api/reports/risk-snapshot</c>: the four-colour map at <see cref="At"/>, by district and by industry, both
/// layers. <see cref="Complete"/> is false when recorded changes that may matter at that moment were lost.
/// </summary>
internal sealed record RiskSnapshotJson(
    DateTimeOffset At,
    DateTimeOffset GeneratedAt,
    bool Complete,
    IReadOnlyList<SnapshotRowJson> ByDistrict,
    IReadOnlyList<SnapshotRowJson> ByIndustry,
    SnapshotRowJson Total,
    LevelHistoryStats Recording)
{
    /// <summary>Display names of the industries the demo registry uses; others show their id.</summary>
    private static readonly Dictionary<string, string> IndustryNames = new(StringComparer.Ordinal)
    {
        ["gas"] = "燃气",
        ["special_equipment"] = "特种设备",
        ["hazardous_chemicals"] = "危险化学品",
    };

    public static RiskSnapshotJson From(RiskSnapshot snapshot, DateTimeOffset at, DateTimeOffset generatedAt, bool complete, LevelHistoryStats recording)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var districts = snapshot.Districts
            .Select(d => new SnapshotRowJson(d.RegionId, d.Name, SnapshotLayerJson.From(d.Tally.Inherent), SnapshotLayerJson.From(d.Tally.Dynamic)))
            .ToList();
        var industries = snapshot.City.Inherent.ByIndustry.Keys.Union(snapshot.City.Dynamic.ByIndustry.Keys, StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(i => new SnapshotRowJson(
                i,
                IndustryNames.GetValueOrDefault(i, i),
                SnapshotLayerJson.From(snapshot.City.Inherent.ByIndustry.GetValueOrDefault(i)),
                SnapshotLayerJson.From(snapshot.City.Dynamic.ByIndustry.GetValueOrDefault(i))))
            .ToList();
        var total = new SnapshotRowJson("total", "合计", SnapshotLayerJson.From(snapshot.City.Inherent), SnapshotLayerJson.From(snapshot.City.Dynamic));
        return new RiskSnapshotJson(at, generatedAt, complete, districts, industries, total, recording);
    }
}

/// <summary>A district, an industry or the total, in both layers.</summary>
internal sealed record SnapshotRowJson(string Id, string Name, SnapshotLayerJson Inherent, SnapshotLayerJson Dynamic);

/// <summary>
/// <c>counts</c> holds each asset once (a pipeline in its primary grid's district); <c>colour</c> is the highest colour
/// shown (就高原则), which also counts pipelines of other districts passing through.
/// </summary>
internal sealed record SnapshotLayerJson(RiskColour? Colour, CountsJson Counts)
{
    public static SnapshotLayerJson From(LayerTally layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return new(layer.Highest, CountsJson.From(layer.Counts));
    }

    public static SnapshotLayerJson From(IndustryTally tally) => new(tally.Highest, CountsJson.From(tally.Counted));
}
