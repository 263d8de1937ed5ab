namespace RiskMonitor.Domain.Registry;

/// <summary>The region tree's shape rules (pure): every parent exists, and following parents never comes back round.</summary>
public static class RegionTreeCheck
{
    /// <summary>
    /// The cycle that setting <paramref name="regionId"/>'s parent to <paramref name="parentId"/> would close, as the
    /// chain of ids from the region back to itself; null when there is none. <paramref name="parentOf"/> gives every
    /// other region's parent as it is now (null for the root).
    /// </summary>
    public static IReadOnlyList<string>? CycleThrough(string regionId, string? parentId, Func<string, string?> parentOf)
    {
        ArgumentNullException.ThrowIfNull(parentOf);
        var chain = new List<string> { regionId };
        var seen = new HashSet<string>(StringComparer.Ordinal) { regionId };
        for (var current = parentId; current is not null; current = parentOf(current))
        {
            chain.Add(current);
            if (current == regionId)
            {
                return chain;
            }

            if (!seen.Add(current))
            {
                return null; // an older cycle not through this region; not this write's doing
            }
        }

        return null;
    }
}
