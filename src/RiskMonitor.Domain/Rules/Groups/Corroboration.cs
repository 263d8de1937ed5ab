namespace RiskMonitor.Domain.Rules.Groups;

/// <summary>The k-of-n vote of a detector group (decision 0050). Pure and allocation-free over a span of levels.</summary>
public static class Corroboration
{
    /// <summary>The highest level that at least <paramref name="k"/> of <paramref name="levels"/> reach (None when fewer than k report anything).</summary>
    public static WarningLevel AgreedLevel(ReadOnlySpan<WarningLevel> levels, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        for (var level = WarningLevel.Red; level > WarningLevel.None; level--)
        {
            if (CountAtLeast(levels, level) >= k)
            {
                return level;
            }
        }

        return WarningLevel.None;
    }

    /// <summary>How high any member's alarm may go: the agreed level, and never below what one detector alone may raise.</summary>
    public static WarningLevel Ceiling(ReadOnlySpan<WarningLevel> levels, CorroborationDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var agreed = AgreedLevel(levels, definition.K);
        return agreed > definition.AloneLevel ? agreed : definition.AloneLevel;
    }

    public static int CountAtLeast(ReadOnlySpan<WarningLevel> levels, WarningLevel level)
    {
        var count = 0;
        foreach (var l in levels)
        {
            count += l >= level ? 1 : 0;
        }

        return count;
    }
}
