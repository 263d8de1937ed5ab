using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Rules;

namespace RiskMonitor.Storage.Rules;

/// <summary>
/// Writes a changed rule into a rule document (the rule file's format, docs/rules.md), so that a suggestion becomes a
/// candidate document the ordinary rule-change flow previews, backtests and applies (docs/decisions/0055).
/// </summary>
public static class RuleDocumentEdits
{
    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    // As a person would write it: indented, Chinese descriptions as they are.
    private static readonly JsonSerializerOptions Readable = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The document with <paramref name="rule"/>'s levels written into the kind's threshold of the same id (added to the
    /// kind when the kind only inherits it), or, with <paramref name="assetId"/>, into that asset's override (added
    /// when it has none). Everything else of the rule (confirm times, dead-band, description) is written as the rule
    /// has it. Comments of the document are not kept: JSON has none, the parser skips them.
    /// </summary>
    public static string WithThreshold(string document, ThresholdRuleDefinition rule, string kind, string? assetId)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var root = JsonNode.Parse(document, documentOptions: Lenient)?.AsObject() ?? throw new ArgumentException("The document is not a JSON object.", nameof(document));
        JsonObject owner = assetId is null
            ? Child(Child(root, "kinds"), kind)
            : Child(Child(root, "assets"), assetId);
        var thresholds = owner.FirstOrDefault(p => string.Equals(p.Key, "thresholds", StringComparison.OrdinalIgnoreCase)).Value as JsonArray;
        if (thresholds is null)
        {
            owner["thresholds"] = thresholds = [];
        }

        var existing = thresholds.OfType<JsonObject>().FirstOrDefault(t => string.Equals(IdOf(t), rule.RuleId, StringComparison.Ordinal));
        var levels = Levels(rule.Ladder, l => rule.Ladder.ThresholdOf(l));
        if (existing is not null)
        {
            Remove(existing, "levels");
            existing["levels"] = levels;
            // Only the levels change: confirm times, dead-band and description stay as the person wrote them (a confirm
            // time of a level the suggestion leaves out is ignored by the ladder).
            return root.ToJsonString(Readable);
        }

        var written = new JsonObject
        {
            ["ruleId"] = rule.RuleId,
            ["metric"] = rule.Metric,
            ["direction"] = rule.Ladder.Direction == ThresholdDirection.Above ? "above" : "below",
            ["levels"] = levels,
            ["clearRatio"] = rule.Ladder.ClearRatio,
            ["confirmSeconds"] = Levels(rule.Ladder, l => rule.Ladder.ThresholdOf(l) is null ? null : rule.Ladder.ConfirmTime(l).TotalSeconds),
        };
        if (rule.Description is { } description)
        {
            written["description"] = description;
        }

        thresholds.Add(written);
        return root.ToJsonString(Readable);
    }

    private static JsonObject Levels(ThresholdLadder ladder, Func<WarningLevel, double?> value)
    {
        var levels = new JsonObject();
        for (var level = WarningLevel.Blue; level <= WarningLevel.Red; level++)
        {
            if (value(level) is { } v)
            {
                levels[level.ToString().ToLowerInvariant()] = v;
            }
        }

        return levels;
    }

    /// <summary>A threshold's rule id as the parser derives it: its own, or the metric with high/low.</summary>
    private static string? IdOf(JsonObject threshold)
    {
        string? Text(string name) => threshold.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.GetValue<string>();
        return Text("ruleId") ?? (Text("metric") is { } metric
            ? string.Create(CultureInfo.InvariantCulture, $"{metric}.{(string.Equals(Text("direction"), "below", StringComparison.OrdinalIgnoreCase) ? "low" : "high")}")
            : null);
    }

    private static JsonObject Child(JsonObject parent, string name)
    {
        var key = parent.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Key;
        if (key is not null && parent[key] is JsonObject found)
        {
            return found;
        }

        var made = new JsonObject();
        parent[key ?? name] = made;
        return made;
    }

    private static void Remove(JsonObject target, string name)
    {
        foreach (var key in target.Where(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Select(p => p.Key).ToList())
        {
            target.Remove(key);
        }
    }
}
