namespace RiskMonitor.Domain;

/// <summary>
/// The four warning levels of the national early-warning scheme (四级预警), lowest to highest, with
/// <see cref="None"/> for "no warning". Red is level I. The numeric order is relied on: a higher value is worse.
/// </summary>
public enum WarningLevel
{
    None = 0,
    Blue = 1,
    Yellow = 2,
    Orange = 3,
    Red = 4,
}

/// <summary>
/// A colour of the four-colour risk map (红橙黄蓝). Shares its numbering with <see cref="WarningLevel"/> so that
/// an asset's colour is simply the higher of its inherent colour and its current warning level.
/// </summary>
public enum RiskColour
{
    Blue = 1,
    Yellow = 2,
    Orange = 3,
    Red = 4,
}

public static class RiskLevels
{
    /// <summary>Asset colour = max(inherent level, current warning level) (DESIGN.md §5).</summary>
    public static RiskColour ColourOf(RiskColour inherent, WarningLevel warning) =>
        (RiskColour)Math.Max((int)inherent, (int)warning);

    public static WarningLevel Max(WarningLevel a, WarningLevel b) => a >= b ? a : b;

    /// <summary>The higher of two colours, either of which may be absent (就高原则); null only when both are.</summary>
    public static RiskColour? Max(RiskColour? a, RiskColour? b) => a is null ? b : b is null ? a : (RiskColour)Math.Max((int)a.Value, (int)b.Value);
}
