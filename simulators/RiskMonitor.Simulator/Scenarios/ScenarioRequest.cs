using System.Globalization;

namespace RiskMonitor.Simulator.Scenarios;

/// <summary>A request to play a scenario, from <c>--scenario</c> or <c>POST /scenarios/{name}</c>.</summary>
/// <param name="Target">An asset id, or for <c>storm</c> the number of pipelines; null picks at random.</param>
/// <param name="Duration">For <c>entrapment</c> and <c>silent</c>; the ramps have fixed shapes.</param>
/// <param name="PublishStatus">For <c>silent</c>: also flip the retained status; null takes the run's default.</param>
/// <param name="DrillId">Played as this drill (on the drill channel, leaving the real readings alone); null for a real-looking run.</param>
internal sealed record ScenarioRequest(
    string Name, string? Target = null, TimeSpan Delay = default, TimeSpan? Duration = null, int? Count = null, bool? PublishStatus = null,
    string? DrillId = null)
{
    /// <summary>Parses <c>name[:target][@delay]</c>, for example <c>gas-leak:gp-0003</c>, <c>entrapment:el-0010@30s</c>, <c>storm:50</c>.</summary>
    public static bool TryParse(string spec, out ScenarioRequest request, out string error)
    {
        request = new ScenarioRequest(string.Empty);
        error = string.Empty;
        var text = spec.Trim();
        var delay = TimeSpan.Zero;
        var at = text.LastIndexOf('@');
        if (at >= 0)
        {
            if (!DurationText.TryParse(text[(at + 1)..], out delay))
            {
                error = $"'{spec}': the delay after '@' must look like 30s, 2m, 500ms or 30.";
                return false;
            }

            text = text[..at];
        }

        var colon = text.IndexOf(':');
        var name = colon >= 0 ? text[..colon] : text;
        var target = colon >= 0 ? text[(colon + 1)..] : null;
        if (ScenarioCatalog.Find(name) is not { } definition)
        {
            error = $"'{spec}': unknown scenario '{name}'. Known: {string.Join(", ", ScenarioCatalog.All.Select(d => d.Name))}.";
            return false;
        }

        int? count = null;
        if (definition.Name == ScenarioCatalog.Storm && !string.IsNullOrEmpty(target))
        {
            if (!int.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                error = $"'{spec}': storm takes a number of pipelines, as in storm:50.";
                return false;
            }

            count = n;
            target = null;
        }

        request = new ScenarioRequest(definition.Name, string.IsNullOrEmpty(target) ? null : target, delay, Count: count);
        return true;
    }
}

/// <summary>Short durations as people type them: <c>30s</c>, <c>2m</c>, <c>1h</c>, <c>500ms</c>, or bare seconds.</summary>
internal static class DurationText
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        var t = text.Trim().ToLowerInvariant();
        var (number, unit) = t.EndsWith("ms", StringComparison.Ordinal) ? (t[..^2], 0.001)
            : t.EndsWith('s') ? (t[..^1], 1.0)
            : t.EndsWith('m') ? (t[..^1], 60.0)
            : t.EndsWith('h') ? (t[..^1], 3600.0)
            : (t, 1.0);
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || amount > 86_400 * 7)
        {
            return false;
        }

        value = TimeSpan.FromSeconds(amount * unit);
        return true;
    }
}
