namespace RiskMonitor.Domain.Regions;

/// <summary>How many assets show each colour. A value: adding and subtracting counts is how roll-ups move.</summary>
public readonly record struct ColourCounts(int Blue, int Yellow, int Orange, int Red)
{
    public int Total => Blue + Yellow + Orange + Red;

    /// <summary>The highest colour with at least one asset (就高原则); null when there are none.</summary>
    public RiskColour? Highest => Red > 0 ? RiskColour.Red : Orange > 0 ? RiskColour.Orange : Yellow > 0 ? RiskColour.Yellow : Blue > 0 ? RiskColour.Blue : null;

    public bool IsEmpty => Blue == 0 && Yellow == 0 && Orange == 0 && Red == 0;

    public int this[RiskColour colour] => colour switch
    {
        RiskColour.Blue => Blue,
        RiskColour.Yellow => Yellow,
        RiskColour.Orange => Orange,
        RiskColour.Red => Red,
        _ => throw new ArgumentOutOfRangeException(nameof(colour), colour, null),
    };

    public ColourCounts Add(RiskColour colour, int delta) => colour switch
    {
        RiskColour.Blue => this with { Blue = Blue + delta },
        RiskColour.Yellow => this with { Yellow = Yellow + delta },
        RiskColour.Orange => this with { Orange = Orange + delta },
        RiskColour.Red => this with { Red = Red + delta },
        _ => throw new ArgumentOutOfRangeException(nameof(colour), colour, null),
    };

    public static ColourCounts operator +(ColourCounts a, ColourCounts b) =>
        new(a.Blue + b.Blue, a.Yellow + b.Yellow, a.Orange + b.Orange, a.Red + b.Red);

    public static ColourCounts operator -(ColourCounts a, ColourCounts b) =>
        new(a.Blue - b.Blue, a.Yellow - b.Yellow, a.Orange - b.Orange, a.Red - b.Red);
}

/// <summary>
/// One industry's counts in a region. <see cref="Counted"/> holds each asset once, in its primary grid, so sums up the
/// chain never count a pipeline twice. <see cref="Crossing"/> holds the line assets that also pass through: they
/// colour the region (a red pipeline makes every grid it crosses red) without being counted again.
/// </summary>
public readonly record struct IndustryTally(ColourCounts Counted, ColourCounts Crossing)
{
    public RiskColour? Highest => Counted.Highest is not { } counted ? Crossing.Highest
        : Crossing.Highest is { } crossing && crossing > counted ? crossing : counted;

    public bool IsEmpty => Counted.IsEmpty && Crossing.IsEmpty;

    public static IndustryTally operator +(IndustryTally a, IndustryTally b) => new(a.Counted + b.Counted, a.Crossing + b.Crossing);

    public static IndustryTally operator -(IndustryTally a, IndustryTally b) => new(a.Counted - b.Counted, a.Crossing - b.Crossing);
}
