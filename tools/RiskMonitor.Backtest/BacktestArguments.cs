using System.Globalization;

namespace RiskMonitor.Backtest;

/// <summary>The command line, checked before anything is sent; <see cref="Problem"/> says what is wrong with it.</summary>
internal sealed record BacktestArguments(
    Uri Server, string? Token, string? User, string? Password, IReadOnlyList<string>? AssetIds, string? Kind, string? Document,
    DateTimeOffset From, DateTimeOffset To, TimeSpan PollInterval, bool Json)
{
    public string? Problem { get; init; }

    public object Request() => new { document = Document, assetIds = AssetIds, kind = Kind, from = From, to = To };

    public static BacktestArguments? Parse(string[] args, Func<string, string?> environment)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var json = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--json")
            {
                json = true;
            }
            else if (args[i] is "--help" or "-h")
            {
                return null;
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
            {
                values[args[i][2..]] = args[++i];
            }
            else
            {
                return Refuse($"unexpected argument '{args[i]}'");
            }
        }

        string? Value(string name) => values.GetValueOrDefault(name);
        var known = new HashSet<string>(["assets", "kind", "document", "from", "to", "hours", "server", "token", "user", "poll-seconds"], StringComparer.Ordinal);
        if (values.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown)
        {
            return Refuse($"unknown option --{unknown}");
        }

        if (!Uri.TryCreate(Value("server") ?? environment("RM_SERVER") ?? "http://localhost:8080", UriKind.Absolute, out var server)
            || server.Scheme is not ("http" or "https"))
        {
            return Refuse("--server must be an http(s) URL");
        }

        server = new Uri(server.AbsoluteUri.TrimEnd('/') + "/");
        var assets = Value("assets")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if ((assets is { Length: > 0 }) == (Value("kind") is { Length: > 0 }))
        {
            return Refuse("give either --assets or --kind");
        }

        string? document = null;
        if (Value("document") is { } path)
        {
            if (!File.Exists(path))
            {
                return Refuse($"no rule document at '{path}'");
            }

            document = File.ReadAllText(path);
        }

        var hours = 24.0;
        if (Value("hours") is { } h && (!double.TryParse(h, NumberStyles.Float, CultureInfo.InvariantCulture, out hours) || hours <= 0))
        {
            return Refuse("--hours must be a positive number");
        }

        var poll = 2.0;
        if (Value("poll-seconds") is { } p && (!double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out poll) || poll < 0.1 || poll > 60))
        {
            return Refuse("--poll-seconds must be between 0.1 and 60");
        }

        if (!TryTime(Value("to"), DateTimeOffset.UtcNow, out var to) || !TryTime(Value("from"), to.AddHours(-hours), out var from))
        {
            return Refuse("--from and --to must be ISO 8601 times, e.g. 2026-12-06T08:00:00Z");
        }

        var user = Value("user");
        return new BacktestArguments(
            server, Value("token") ?? (user is null ? environment("RM_TOKEN") : null), user, user is null ? null : environment("RM_PASSWORD"),
            assets, Value("kind"), document, from, to, TimeSpan.FromSeconds(poll), json);

        BacktestArguments Refuse(string problem) =>
            new(new Uri("http://localhost/"), null, null, null, null, null, null, default, default, default, false) { Problem = problem };
    }

    private static bool TryTime(string? text, DateTimeOffset fallback, out DateTimeOffset time)
    {
        time = fallback;
        return text is null || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }
}
