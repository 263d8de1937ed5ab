using System.Collections.Immutable;

namespace RiskMonitor.Domain.Regions;

/// <summary>An asset as a grid sees it: enough to place it in both layers without asking the asset.</summary>
/// <param name="Counted">True in the asset's primary grid; false in the other grids a line asset crosses.</param>
public sealed record RegionMember(string AssetId, string Industry, RiskColour Inherent, bool Counted);

/// <summary>
/// The incremental roll-up of one region (DESIGN.md §5): counts per colour and industry in both layers, kept by
/// applying changes, never by rescanning. A grid holds its member assets and their current warning levels; a parent
/// holds the last summary each child reported. Both kinds of input are absolute ("asset X is now at level L",
/// "child C's summary is now S"), so a repeated report changes nothing, and each is turned into a delta here.
/// Not thread-safe: one grain owns one instance.
/// </summary>
public sealed class RegionRollup
{
    private readonly Dictionary<string, (RegionMember Member, WarningLevel Level)> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RegionTally> _children = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IndustryTally>[] _layers =
        [new(StringComparer.Ordinal), new(StringComparer.Ordinal)];

    private RegionTally? _tally;

    public RegionTally Tally => _tally ??= new RegionTally(Freeze(_layers[0]), Freeze(_layers[1]));

    /// <summary>Member assets whose warning level is above none: all a grid must persist besides the registry.</summary>
    public IReadOnlyDictionary<string, WarningLevel> Warnings =>
        _members.Where(m => m.Value.Level != WarningLevel.None).ToDictionary(m => m.Key, m => m.Value.Level, StringComparer.Ordinal);

    public IReadOnlyDictionary<string, RegionTally> Children => _children;

    public int MemberCount => _members.Count;

    public bool TryGetMember(string assetId, out RegionMember? member, out WarningLevel level)
    {
        var found = _members.TryGetValue(assetId, out var entry);
        (member, level) = found ? entry : (null, WarningLevel.None);
        return found;
    }

    /// <summary>
    /// Records that an asset is now at <paramref name="level"/>. An unknown asset joins; one whose registry facts
    /// changed (industry, inherent colour, primary grid) moves. Returns true when the region's summary changed.
    /// </summary>
    public bool ReportAsset(RegionMember member, WarningLevel level)
    {
        ArgumentNullException.ThrowIfNull(member);
        var known = _members.TryGetValue(member.AssetId, out var old);
        if (known && old.Member == member && old.Level == level)
        {
            return false;
        }

        if (known)
        {
            Move(old.Member, old.Level, -1);
        }

        _members[member.AssetId] = (member, level);
        Move(member, level, +1);
        return !known || ChangesTally(old.Member, old.Level, member, level);
    }

    /// <summary>Removes an asset (it left the registry or the grid). Returns true when the summary changed.</summary>
    public bool RemoveAsset(string assetId)
    {
        if (!_members.Remove(assetId, out var old))
        {
            return false;
        }

        Move(old.Member, old.Level, -1);
        return true;
    }

    /// <summary>Records a child region's latest summary. Returns true when this region's summary changed.</summary>
    public bool ReportChild(string childId, RegionTally tally)
    {
        ArgumentNullException.ThrowIfNull(tally);
        var old = _children.GetValueOrDefault(childId) ?? RegionTally.Empty;
        if (old == tally)
        {
            _children[childId] = tally;
            return false;
        }

        _children[childId] = tally;
        AddLayer(_layers[0], old.Inherent, -1);
        AddLayer(_layers[0], tally.Inherent, +1);
        AddLayer(_layers[1], old.Dynamic, -1);
        AddLayer(_layers[1], tally.Dynamic, +1);
        _tally = null;
        return true;
    }

    private static bool ChangesTally(RegionMember a, WarningLevel aLevel, RegionMember b, WarningLevel bLevel) =>
        a.Industry != b.Industry || a.Counted != b.Counted || a.Inherent != b.Inherent
        || RiskLevels.ColourOf(a.Inherent, aLevel) != RiskLevels.ColourOf(b.Inherent, bLevel);

    private void Move(RegionMember member, WarningLevel level, int sign)
    {
        Bump(_layers[0], member.Industry, member.Inherent, member.Counted, sign);
        Bump(_layers[1], member.Industry, RiskLevels.ColourOf(member.Inherent, level), member.Counted, sign);
        _tally = null;
    }

    private static void Bump(Dictionary<string, IndustryTally> layer, string industry, RiskColour colour, bool counted, int sign)
    {
        var tally = layer.GetValueOrDefault(industry);
        tally = counted ? tally with { Counted = tally.Counted.Add(colour, sign) } : tally with { Crossing = tally.Crossing.Add(colour, sign) };
        Store(layer, industry, tally);
    }

    private static void AddLayer(Dictionary<string, IndustryTally> layer, LayerTally delta, int sign)
    {
        foreach (var (industry, tally) in delta.ByIndustry)
        {
            var current = layer.GetValueOrDefault(industry);
            Store(layer, industry, sign > 0 ? current + tally : current - tally);
        }
    }

    private static void Store(Dictionary<string, IndustryTally> layer, string industry, IndustryTally tally)
    {
        if (tally.IsEmpty)
        {
            layer.Remove(industry); // an industry that left the region leaves no zero row behind
        }
        else
        {
            layer[industry] = tally;
        }
    }

    private static LayerTally Freeze(Dictionary<string, IndustryTally> layer) =>
        layer.Count == 0 ? LayerTally.Empty : new LayerTally(layer.ToImmutableSortedDictionary(StringComparer.Ordinal));
}
