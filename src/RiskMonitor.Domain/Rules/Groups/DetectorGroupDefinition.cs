namespace RiskMonitor.Domain.Rules.Groups;

/// <summary>
/// Detectors of one site or pipeline segment that watch the same metric and judge one another (issue 22, decision
/// 0050): <see cref="Corroboration"/> holds a member's alarm below red until k of the n detectors agree, and
/// <see cref="Drift"/> flags a detector whose reading wanders away from its neighbours'. Either part is optional.
/// </summary>
public sealed record DetectorGroupDefinition(
    string GroupId,
    string Metric,
    IReadOnlyList<string> Members,
    CorroborationDefinition? Corroboration,
    NeighbourDriftDefinition? Drift,
    string? Description = null)
{
    /// <summary>The drift alert a member raises about itself: sensor health, beside its <c>sensor.&lt;metric&gt;.*</c> faults.</summary>
    public string DriftRuleId => $"sensor.{Metric}.drift";

    public int Count => Members.Count;

    /// <summary>
    /// The whole group as one line, members included (a member joining or leaving changes the vote of every member): two
    /// definitions with the same line judge the same way, so a new rule version that leaves it alone keeps the group's count.
    /// </summary>
    public string Canonical()
    {
        var corroboration = Corroboration is { } c ? FormattableString.Invariant($"{c.RuleId} {c.K}/{Count} alone={c.AloneLevel}") : "-";
        var drift = Drift is { } d
            ? FormattableString.Invariant($"delta={d.Delta} hold={d.Hold.TotalSeconds} {d.Level} neighbours={d.MinNeighbours} fresh={d.FreshWithin.TotalSeconds}")
            : "-";
        return $"group {Metric} [{string.Join(",", Members)}] corroborate {corroboration} drift {drift} {Description}";
    }
}

/// <summary>
/// k of n: a member's threshold rule <see cref="RuleId"/> may raise above <see cref="AloneLevel"/> only to the highest
/// level that at least <see cref="K"/> members of the group reach at the same time.
/// </summary>
public sealed record CorroborationDefinition(string RuleId, int K, WarningLevel AloneLevel);

/// <summary>
/// A member drifts when its value stays more than <see cref="Delta"/> from the median of its neighbours' fresh values
/// (at least <see cref="MinNeighbours"/> of them, each sampled within <see cref="FreshWithin"/> of the member's sample)
/// for <see cref="Hold"/>; it is sound again once back within <see cref="ClearFraction"/> of <see cref="Delta"/>.
/// </summary>
public sealed record NeighbourDriftDefinition(double Delta, TimeSpan Hold, WarningLevel Level, int MinNeighbours, TimeSpan FreshWithin)
{
    /// <summary>A recalibrated detector comes back to its neighbours, not just under the line: half the delta, so noise on the line does not flap.</summary>
    public const double ClearFraction = 0.5;

    public double ClearDelta => Delta * ClearFraction;
}
