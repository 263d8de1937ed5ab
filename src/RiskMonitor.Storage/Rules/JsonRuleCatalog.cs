using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Rules;
using RiskMonitor.Domain.Rules.Groups;
using RiskMonitor.Storage.Registry;

namespace RiskMonitor.Storage.Rules;

/// <summary>
/// Rules per asset kind with per-asset overrides, read from a JSON file (format: docs/rules.md). Built once and
/// immutable, so grains on any thread share it.
/// </summary>
public sealed class JsonRuleCatalog : IRuleCatalog
{
    /// <summary>The kind whose rules apply to a kind the file does not name (generic assets: offline detection only).</summary>
    public const string FallbackKind = "*";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private readonly Dictionary<string, RuleSet> _byKind;
    private readonly Dictionary<string, AssetRules> _assetOverrides;
    private readonly OfflineDefaults _offline;
    private readonly HashSet<string> _allMetrics;
    private readonly Dictionary<string, HashSet<string>> _kindMetrics;
    private readonly ConcurrentDictionary<(RuleSet Kind, TimeSpan Interval), RuleSet> _withInterval = new();
    private Dictionary<string, DetectorGroupDefinition> _groups = new(StringComparer.Ordinal);
    private Dictionary<string, List<DetectorGroupDefinition>> _groupsByMember = new(StringComparer.Ordinal);

    private JsonRuleCatalog(
        Dictionary<string, RuleSet> byKind, Dictionary<string, AssetRules> assetOverrides, OfflineDefaults offline,
        Dictionary<string, HashSet<string>> kindMetrics, HashSet<string> allMetrics)
    {
        _byKind = byKind;
        _assetOverrides = assetOverrides;
        _offline = offline;
        _kindMetrics = kindMetrics;
        _allMetrics = allMetrics;
    }

    /// <summary>The detector groups of the document (decision 0050), by group id.</summary>
    public IReadOnlyDictionary<string, DetectorGroupDefinition> Groups => _groups;

    /// <summary>Whether the asset's rules differ from its kind's: an override, or a detector group it belongs to.</summary>
    public bool HasOwnRules(string assetId) => _assetOverrides.ContainsKey(assetId) || _groupsByMember.ContainsKey(assetId);

    public DetectorGroupDefinition? Group(string groupId) => _groups.GetValueOrDefault(groupId);

    public IEnumerable<string> Kinds => _byKind.Keys;

    /// <summary>The assets the document gives their own rules (<c>assets</c>), which may include ids the registry lacks.</summary>
    public IEnumerable<string> OverriddenAssets => _assetOverrides.Keys;

    public bool HasOverride(string assetId) => _assetOverrides.ContainsKey(assetId);

    /// <summary>
    /// Every metric the asset's rules can read: its kind's (thresholds and declared <c>metrics</c>, with its parents'),
    /// which the file's checks hold every kind rule to. Null when that is not known to be all: an asset with rules of its
    /// own (an override or a detector group may name any kind's metric), or a kind without metrics. A backtest asks
    /// InfluxDB for these fields alone rather than every field of the measurement (decision 0067).
    /// </summary>
    public IReadOnlySet<string>? MetricsOf(AssetDefinition asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        if (HasOwnRules(asset.Id))
        {
            return null;
        }

        var kind = _byKind.ContainsKey(asset.Kind) ? asset.Kind : FallbackKind;
        return _kindMetrics.TryGetValue(kind, out var metrics) && metrics.Count > 0 ? metrics : null;
    }

    /// <summary>A kind's own rules (after <c>extends</c>), without any asset's override; null for a kind the document lacks.</summary>
    public RuleSet? ForKind(string kind) => _byKind.GetValueOrDefault(kind);

    public RuleSet For(AssetDefinition asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        var kindRules = _byKind.TryGetValue(asset.Kind, out var rules) ? rules : _byKind[FallbackKind];
        var offline = asset.ReportingInterval is { } interval
            ? kindRules.Offline with { ReportingInterval = interval }
            : kindRules.Offline;

        if (_groupsByMember.TryGetValue(asset.Id, out var groups))
        {
            kindRules = kindRules with { Groups = groups };
        }

        if (!_assetOverrides.TryGetValue(asset.Id, out var overrides))
        {
            if (offline == kindRules.Offline)
            {
                return kindRules;
            }

            // Assets that only state their reporting interval share one rule set per kind and interval: a copy per
            // asset was 120 B of every active asset (issue 22: heap per asset <= 4 KB). Group members keep their own.
            return groups is null
                ? _withInterval.GetOrAdd((kindRules, offline.ReportingInterval), static (key, o) => key.Kind with { Offline = o }, offline)
                : kindRules with { Offline = offline };
        }

        // An override replaces a kind rule with the same id and adds any new one.
        var thresholds = kindRules.Thresholds.ToDictionary(t => t.RuleId, StringComparer.Ordinal);
        foreach (var rule in overrides.Thresholds ?? [])
        {
            var built = BuildThreshold(rule, $"assets.{asset.Id}");
            thresholds[built.RuleId] = built;
        }

        var events = new Dictionary<string, EventMapping>(kindRules.Events, StringComparer.Ordinal);
        foreach (var (code, mapping) in overrides.Events ?? [])
        {
            events[code] = BuildEvent(code, mapping);
        }

        // Metrics were checked against every kind's at load; the asset's kind is only known here.
        var (rates, forecasts, compounds, sensors) = BuildTrends($"assets.{asset.Id}", overrides, _allMetrics);
        return kindRules with
        {
            Thresholds = [.. thresholds.Values],
            Events = events,
            Offline = offline,
            RatesOfChange = Override(kindRules.RatesOfChange, rates, r => r.RuleId),
            Forecasts = Override(kindRules.Forecasts, forecasts, f => f.RuleId),
            Compounds = Override(kindRules.Compounds, compounds, c => c.RuleId),
            SensorHealth = Override(kindRules.SensorHealth, sensors, h => h.Metric),
        };
    }

    public static JsonRuleCatalog Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new RegistryException($"Rule file '{Path.GetFullPath(path)}' does not exist. Set Rules:Path to a rule file.");
        }

        return Parse(File.ReadAllText(path), path);
    }

    public static JsonRuleCatalog Parse(string json, string sourceName)
    {
        RuleFile? file;
        try
        {
            file = JsonSerializer.Deserialize<RuleFile>(json, Options);
        }
        catch (JsonException ex)
        {
            throw new RegistryException($"Rule file '{sourceName}' is not valid: {ex.Message}");
        }

        if (file?.Kinds is not { Count: > 0 })
        {
            throw new RegistryException($"Rule file '{sourceName}' defines no kinds.");
        }

        try
        {
            var offline = file.Offline ?? new OfflineDefaults();
            var byKind = new Dictionary<string, RuleSet>(StringComparer.Ordinal);
            var kindMetrics = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            foreach (var kind in file.Kinds.Keys)
            {
                BuildWithParents(file.Kinds, offline, byKind, kindMetrics, kind, []);
            }

            byKind.TryAdd(FallbackKind, BuildKind(FallbackKind, new KindRules(), offline, null, []));
            var allMetrics = kindMetrics.Values.SelectMany(m => m).ToHashSet(StringComparer.Ordinal);

            // Per-asset overrides are built when a grain asks for them, so they are checked here as well: a mistake in
            // the file must stop the start, not throw later inside an asset's activation.
            foreach (var (assetId, overrides) in file.Assets ?? [])
            {
                _ = (overrides ?? throw new ArgumentException($"assets.{assetId} is null.")).Thresholds?.Select(t => BuildThreshold(t, $"assets.{assetId}")).ToList();
                _ = overrides.Events?.Select(e => BuildEvent(e.Key, e.Value)).ToList();
                var overrideMetrics = allMetrics.Union(KnownMetrics(overrides)).ToHashSet(StringComparer.Ordinal);
                _ = BuildTrends($"assets.{assetId}", overrides, overrideMetrics);
            }

            var catalog = new JsonRuleCatalog(byKind, file.Assets ?? [], offline, kindMetrics, allMetrics);
            var thresholdMetrics = byKind.Values.SelectMany(k => k.Thresholds)
                .Concat((file.Assets ?? []).Values.SelectMany(a => a?.Thresholds ?? []).Select(t => BuildThreshold(t, "assets")))
                .ToLookup(t => t.RuleId, t => t.Metric, StringComparer.Ordinal);
            var groups = DetectorGroupFiles.Build(file.Groups, allMetrics, thresholdMetrics);
            catalog._groups = groups.ToDictionary(g => g.GroupId, StringComparer.Ordinal);
            catalog._groupsByMember = groups.SelectMany(g => g.Members.Select(m => (Member: m, Group: g)))
                .GroupBy(x => x.Member, StringComparer.Ordinal)
                .ToDictionary(x => x.Key, x => x.Select(y => y.Group).ToList(), StringComparer.Ordinal);

            // An override may reuse a kind's rule id only to replace a rule of the same type: refused at load, per kind.
            foreach (var (assetId, overrides) in file.Assets ?? [])
            {
                foreach (var kind in byKind.Keys)
                {
                    var merged = catalog.For(new AssetDefinition(assetId, kind, assetId, "", NetTopologySuite.Geometries.Point.Empty, RiskColour.Blue, null, null, null, "", null));
                    TrendRuleFiles.RefuseDuplicateIds(merged, $"assets.{assetId} (on kind {kind})");
                }
            }

            return catalog;
        }
        catch (Exception ex) when (ex is ArgumentException or OverflowException or InvalidOperationException)
        {
            throw new RegistryException($"Rule file '{sourceName}': {ex.Message}");
        }
    }

    /// <summary>
    /// Builds a kind after the kind it <c>extends</c> (its rules, then the kind's own replacing any with the same id).
    /// A kind that extends itself through any chain would have no first kind to start from, so a cycle is refused.
    /// </summary>
    private static void BuildWithParents(
        Dictionary<string, KindRules> kinds, OfflineDefaults offline, Dictionary<string, RuleSet> byKind,
        Dictionary<string, HashSet<string>> kindMetrics, string kind, List<string> path)
    {
        if (byKind.ContainsKey(kind))
        {
            return;
        }

        if (path.Contains(kind, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"kinds.{kind}: 'extends' forms a cycle ({string.Join(" -> ", path.SkipWhile(k => k != kind).Append(kind))}); a kind cannot inherit from itself.");
        }

        var rules = kinds[kind] ?? throw new ArgumentException($"kinds.{kind} is null.");
        var known = KnownMetrics(rules).ToHashSet(StringComparer.Ordinal);
        RuleSet? parent = null;
        if (rules.Extends is { } parentKind)
        {
            if (!kinds.ContainsKey(parentKind))
            {
                throw new ArgumentException($"kinds.{kind}: extends '{parentKind}', which the file does not define.");
            }

            path.Add(kind);
            BuildWithParents(kinds, offline, byKind, kindMetrics, parentKind, path);
            path.RemoveAt(path.Count - 1);
            parent = byKind[parentKind];
            known.UnionWith(kindMetrics[parentKind]);
        }

        kindMetrics[kind] = known;
        byKind[kind] = BuildKind(kind, rules, offline, parent, known);
    }

    private static RuleSet BuildKind(string kind, KindRules? rules, OfflineDefaults offline, RuleSet? parent, HashSet<string> knownMetrics)
    {
        ArgumentNullException.ThrowIfNull(rules, $"kinds.{kind}");
        // Rule ids identify alerts (one open alert per asset and rule), so two rules of a kind may not share one.
        var duplicate = (rules.Thresholds ?? []).OfType<ThresholdRuleFile>().GroupBy(RuleIdOf, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"kinds.{kind}: rule id '{duplicate.Key}' is used twice.");
        }

        var interval = TimeSpan.FromSeconds(rules.ReportingIntervalSeconds ?? parent?.Offline.ReportingInterval.TotalSeconds ?? offline.DefaultReportingIntervalSeconds);
        var (rates, forecasts, compounds, sensors) = BuildTrends($"kinds.{kind}", rules, knownMetrics);
        var thresholds = (parent?.Thresholds ?? []).ToDictionary(t => t.RuleId, StringComparer.Ordinal);
        foreach (var threshold in (rules.Thresholds ?? []).Select(t => BuildThreshold(t, $"kinds.{kind}")))
        {
            thresholds[threshold.RuleId] = threshold;
        }

        var events = new Dictionary<string, EventMapping>(parent?.Events ?? new Dictionary<string, EventMapping>(), StringComparer.Ordinal);
        foreach (var (code, mapping) in rules.Events ?? [])
        {
            events[code] = BuildEvent(code, mapping);
        }

        var set = new RuleSet(
            kind,
            [.. thresholds.Values],
            events,
            new OfflineRuleDefinition(interval, rules.OfflineAfterIntervals ?? parent?.Offline.Intervals ?? offline.Intervals, offline.Level))
        {
            RatesOfChange = Override(parent?.RatesOfChange ?? [], rates, r => r.RuleId),
            Forecasts = Override(parent?.Forecasts ?? [], forecasts, f => f.RuleId),
            Compounds = Override(parent?.Compounds ?? [], compounds, c => c.RuleId),
            SensorHealth = Override(parent?.SensorHealth ?? [], sensors, h => h.Metric),
        };
        TrendRuleFiles.RefuseDuplicateIds(set, $"kinds.{kind}");
        return set;
    }

    /// <summary>The metrics a kind (or an override) measures: those its thresholds watch and those it declares.</summary>
    private static IEnumerable<string> KnownMetrics(IRuleParts? rules) =>
        rules is null
            ? []
            : (rules.Thresholds ?? []).OfType<ThresholdRuleFile>().Select(t => t.Metric).OfType<string>()
                .Concat((rules.Metrics ?? []).OfType<string>());

    private static (List<RateOfChangeRuleDefinition>, List<ForecastRuleDefinition>, List<CompoundRuleDefinition>, List<SensorHealthRuleDefinition>) BuildTrends(
        string where, IRuleParts rules, IReadOnlySet<string> knownMetrics) =>
        TrendRuleFiles.Build(where, knownMetrics, rules.RatesOfChange, rules.Forecasts, rules.Compounds, rules.SensorHealth);

    // An override replaces the kind's rule with the same key and adds the rest.
    private static List<T> Override<T>(IReadOnlyList<T> kindRules, List<T> overrides, Func<T, string> key)
    {
        if (overrides.Count == 0)
        {
            return [.. kindRules];
        }

        var replaced = overrides.Select(key).ToHashSet(StringComparer.Ordinal);
        return [.. kindRules.Where(r => !replaced.Contains(key(r))), .. overrides];
    }

    private static ThresholdRuleDefinition BuildThreshold(ThresholdRuleFile? rule, string where)
    {
        if (rule is null)
        {
            throw new ArgumentException($"{where}: a threshold rule is null.");
        }

        if (string.IsNullOrWhiteSpace(rule.Metric))
        {
            throw new ArgumentException($"{where}: a threshold rule needs a metric.");
        }

        if (rule.Levels is not { Count: > 0 })
        {
            throw new ArgumentException($"{where}.{rule.Metric}: a threshold rule needs levels.");
        }

        var ruleId = RuleIdOf(rule);
        var confirm = (rule.ConfirmSeconds ?? []).ToDictionary(c => c.Key, c => TimeSpan.FromSeconds(c.Value));
        foreach (var level in rule.Levels.Keys)
        {
            // Unless the file says otherwise, red raises at once and lower levels after 10 s (DESIGN.md §4).
            confirm.TryAdd(level, level == WarningLevel.Red ? TimeSpan.Zero : TimeSpan.FromSeconds(10));
        }

        var ladder = new ThresholdLadder(rule.Direction, rule.Levels, rule.ClearRatio ?? 0.9, confirm);
        return new ThresholdRuleDefinition(ruleId, rule.Metric, ladder, rule.Description);
    }

    private static string RuleIdOf(ThresholdRuleFile rule) =>
        rule.RuleId ?? $"{rule.Metric}.{(rule.Direction == ThresholdDirection.Above ? "high" : "low")}";

    private static EventMapping BuildEvent(string code, EventRuleFile? mapping) =>
        mapping is null || mapping.Level == WarningLevel.None
            ? throw new ArgumentException($"event '{code}' needs a level (blue|yellow|orange|red).")
            : new EventMapping(
                code,
                mapping.Level,
                mapping.ResponseMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : null,
                mapping.Description);

    private sealed record RuleFile(
        OfflineDefaults? Offline,
        Dictionary<string, KindRules>? Kinds,
        Dictionary<string, AssetRules>? Assets,
        Dictionary<string, DetectorGroupFile?>? Groups = null);

    private sealed record OfflineDefaults(int Intervals = 3, WarningLevel Level = WarningLevel.Blue, double DefaultReportingIntervalSeconds = 60);

    /// <summary>What a kind and an asset override both may hold.</summary>
    private interface IRuleParts
    {
        List<ThresholdRuleFile>? Thresholds { get; }

        List<string?>? Metrics { get; }

        List<RateRuleFile?>? RatesOfChange { get; }

        List<ForecastRuleFile?>? Forecasts { get; }

        List<CompoundRuleFile?>? Compounds { get; }

        List<SensorHealthRuleFile?>? SensorHealth { get; }
    }

    private sealed record KindRules(
        string? Extends = null,
        double? ReportingIntervalSeconds = null,
        int? OfflineAfterIntervals = null,
        List<ThresholdRuleFile>? Thresholds = null,
        Dictionary<string, EventRuleFile>? Events = null,
        List<string?>? Metrics = null,
        List<RateRuleFile?>? RatesOfChange = null,
        List<ForecastRuleFile?>? Forecasts = null,
        List<CompoundRuleFile?>? Compounds = null,
        List<SensorHealthRuleFile?>? SensorHealth = null) : IRuleParts;

    private sealed record AssetRules(
        List<ThresholdRuleFile>? Thresholds,
        Dictionary<string, EventRuleFile>? Events,
        List<string?>? Metrics = null,
        List<RateRuleFile?>? RatesOfChange = null,
        List<ForecastRuleFile?>? Forecasts = null,
        List<CompoundRuleFile?>? Compounds = null,
        List<SensorHealthRuleFile?>? SensorHealth = null) : IRuleParts;

    private sealed record ThresholdRuleFile(
        string? RuleId,
        string Metric,
        ThresholdDirection Direction,
        Dictionary<WarningLevel, double> Levels,
        double? ClearRatio,
        Dictionary<WarningLevel, double>? ConfirmSeconds,
        string? Description,
        string? Source);

    private sealed record EventRuleFile(WarningLevel Level, double? ResponseMinutes, string? Description, string? Source);
}
