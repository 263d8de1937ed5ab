using RiskMonitor.Domain;
using RiskMonitor.Domain.Rules;
using RiskMonitor.Domain.Rules.Groups;

namespace RiskMonitor.Storage.Rules;

/// <summary>
/// The rule file's <c>groups</c> (docs/rules.md, decision 0050): detectors of one site or segment that corroborate one
/// another (k of n) and judge each other's drift. Every mistake is refused at load with the group and what is wrong.
/// </summary>
internal static class DetectorGroupFiles
{
    // Defaults and their sources: decision 0050.
    public const WarningLevel DefaultAloneLevel = WarningLevel.Orange;
    public const WarningLevel DefaultDriftLevel = WarningLevel.Blue;
    public const double DefaultDriftHoldSeconds = 600;
    public const double DefaultFreshSeconds = 120;

    /// <param name="thresholdMetrics">Every threshold rule id of the document and the metric it watches, to check what a group corroborates.</param>
    public static List<DetectorGroupDefinition> Build(
        Dictionary<string, DetectorGroupFile?>? groups, IReadOnlySet<string> knownMetrics, ILookup<string, string> thresholdMetrics)
    {
        var built = new List<DetectorGroupDefinition>();
        foreach (var (groupId, file) in groups ?? [])
        {
            built.Add(BuildGroup(groupId, file, knownMetrics, thresholdMetrics));
        }

        // One detector, one vote per metric: in two groups on the same metric it would be capped by two juries.
        var twice = built.SelectMany(g => g.Members.Select(m => (Member: m, g.Metric, g.GroupId)))
            .GroupBy(x => (x.Member, x.Metric)).FirstOrDefault(x => x.Count() > 1);
        if (twice is not null)
        {
            throw new ArgumentException(
                $"groups: asset '{twice.Key.Member}' is in two groups on {twice.Key.Metric} ({string.Join(", ", twice.Select(x => x.GroupId))}); a detector belongs to one.");
        }

        return built;
    }

    private static DetectorGroupDefinition BuildGroup(string groupId, DetectorGroupFile? file, IReadOnlySet<string> knownMetrics, ILookup<string, string> thresholdMetrics)
    {
        var where = $"groups.{groupId}";
        if (string.IsNullOrWhiteSpace(groupId))
        {
            throw new ArgumentException("groups: a group needs an id.");
        }

        file = file ?? throw new ArgumentException($"{where} is null.");
        if (string.IsNullOrWhiteSpace(file.Metric))
        {
            throw new ArgumentException($"{where}: a group needs a metric.");
        }

        if (!knownMetrics.Contains(file.Metric))
        {
            throw new ArgumentException($"{where}: unknown metric '{file.Metric}' (no kind measures it).");
        }

        var members = (file.Members ?? []).ToList();
        if (members.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException($"{where}.members: an asset id is empty.");
        }

        if (members.Count < 2)
        {
            throw new ArgumentException($"{where}.members: a group needs at least two detectors (has {members.Count}).");
        }

        if (members.GroupBy(m => m, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } repeated)
        {
            throw new ArgumentException($"{where}.members: '{repeated.Key}' is listed twice.");
        }

        if (file.Corroboration is null && file.Drift is null)
        {
            throw new ArgumentException($"{where}: a group needs corroboration, drift or both.");
        }

        var n = members.Count;
        CorroborationDefinition? corroboration = null;
        if (file.Corroboration is { } c)
        {
            var ruleId = c.RuleId ?? file.Metric + ".high";
            if (!thresholdMetrics[ruleId].Contains(file.Metric, StringComparer.Ordinal))
            {
                throw new ArgumentException($"{where}.corroboration: '{ruleId}' is no threshold rule on {file.Metric} in any kind or asset.");
            }

            var k = c.K ?? (n / 2) + 1; // a majority
            if (k < 2 || k > n)
            {
                throw new ArgumentException($"{where}.corroboration: k = {k} must be between 2 and the {n} members (k of n).");
            }

            var alone = c.AloneLevel ?? DefaultAloneLevel;
            if (alone is WarningLevel.None or WarningLevel.Red)
            {
                throw new ArgumentException($"{where}.corroboration: aloneLevel must be blue, yellow or orange (one detector alone is never red).");
            }

            corroboration = new CorroborationDefinition(ruleId, k, alone);
        }

        NeighbourDriftDefinition? drift = null;
        if (file.Drift is { } d)
        {
            if (d.Delta is not { } delta || !double.IsFinite(delta) || delta <= 0)
            {
                throw new ArgumentException($"{where}.drift: delta must be a positive number in the metric's unit.");
            }

            var hold = d.HoldSeconds ?? DefaultDriftHoldSeconds;
            var fresh = d.FreshSeconds ?? DefaultFreshSeconds;
            if (!double.IsFinite(hold) || hold < 0 || !double.IsFinite(fresh) || fresh <= 0)
            {
                throw new ArgumentException($"{where}.drift: holdSeconds must be 0 or more and freshSeconds more than 0.");
            }

            var minNeighbours = d.MinNeighbours ?? Math.Min(2, n - 1);
            if (minNeighbours < 1 || minNeighbours > n - 1)
            {
                throw new ArgumentException($"{where}.drift: minNeighbours = {minNeighbours} must be between 1 and {n - 1} (the other members).");
            }

            var level = d.Level ?? DefaultDriftLevel;
            if (level == WarningLevel.None)
            {
                throw new ArgumentException($"{where}.drift: level must be blue, yellow, orange or red.");
            }

            drift = new NeighbourDriftDefinition(delta, TimeSpan.FromSeconds(hold), level, minNeighbours, TimeSpan.FromSeconds(fresh));
        }

        return new DetectorGroupDefinition(groupId, file.Metric, [.. members.Select(m => m!)], corroboration, drift, file.Description);
    }
}

internal sealed record DetectorGroupFile(
    string? Metric, List<string?>? Members, CorroborationFile? Corroboration, DriftFile? Drift, string? Description, string? Source);

internal sealed record CorroborationFile(string? RuleId, int? K, WarningLevel? AloneLevel);

internal sealed record DriftFile(double? Delta, double? HoldSeconds, WarningLevel? Level, int? MinNeighbours, double? FreshSeconds);
