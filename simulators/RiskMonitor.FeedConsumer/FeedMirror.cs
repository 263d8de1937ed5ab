using System.Text.Json;

namespace RiskMonitor.FeedConsumer;

/// <summary>
/// A consumer's own copy of what RiskMonitor knows, rebuilt only from feed events: every alert as of its latest event,
/// every hazard likewise, and each region's colours. Applying is idempotent by cursor (an event at or below
/// <see cref="Cursor"/> is a repeat and ignored), so a webhook redelivery or a re-read page changes nothing.
/// </summary>
public sealed class FeedMirror
{
    /// <summary>The schema versions this consumer understands, per type prefix (docs/feed.md).</summary>
    private static readonly Dictionary<string, int> KnownVersions = new(StringComparer.Ordinal) { ["alert"] = 1, ["hazard"] = 1, ["region"] = 1 };

    public long Cursor { get; private set; }

    public Dictionary<string, JsonElement> Alerts { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, JsonElement> Hazards { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, RegionColours> Regions { get; } = new(StringComparer.Ordinal);

    public int Applied { get; private set; }

    public int Repeats { get; private set; }

    /// <summary>Events of types this consumer does not know (a newer server): skipped, counted.</summary>
    public int Unknown { get; private set; }

    /// <summary>Applies one feed event (the JSON of <c>GET /api/feed</c>'s <c>events[i]</c> or a webhook body). False for a repeat.</summary>
    /// <exception cref="NotSupportedException">A known type in a schema version newer than this consumer reads: stop rather than mirror it wrongly.</exception>
    public bool Apply(JsonElement feedEvent)
    {
        var cursor = feedEvent.GetProperty("cursor").GetInt64();
        if (cursor <= Cursor)
        {
            Repeats++;
            return false;
        }

        var type = feedEvent.GetProperty("type").GetString() ?? "";
        var family = type.Split('.')[0];
        var version = feedEvent.GetProperty("schemaVersion").GetInt32();
        if (KnownVersions.TryGetValue(family, out var known) && version > known)
        {
            throw new NotSupportedException($"Event {cursor} is {type} schema version {version}; this consumer reads up to {known}.");
        }

        var payload = feedEvent.GetProperty("payload");
        switch (family)
        {
            case "alert":
                var alert = payload.GetProperty("alert");
                Alerts[alert.GetProperty("alertId").GetString()!] = alert.Clone();
                break;
            case "hazard":
                var hazard = payload.GetProperty("hazard");
                Hazards[hazard.GetProperty("hazardId").GetString()!] = hazard.Clone();
                break;
            case "region" when type == "region.changed":
                var region = payload.GetProperty("region");
                Regions[region.GetProperty("regionId").GetString()!] = new RegionColours(Text(region, "colour"), Text(region, "inherentColour"));
                break;
            default:
                Unknown++;
                break;
        }

        Cursor = cursor;
        Applied++;
        return true;
    }

    /// <summary>Writes the mirror to a JSON file, atomically (a temporary file renamed over the old one).</summary>
    public async Task SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        var state = new MirrorFile(Cursor, Alerts, Hazards, Regions);
        var temporary = path + ".tmp";
        await using (var file = File.Create(temporary))
        {
            await JsonSerializer.SerializeAsync(file, state, Json, cancellationToken);
        }

        File.Move(temporary, path, overwrite: true);
    }

    public static async Task<FeedMirror> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        var mirror = new FeedMirror();
        if (!File.Exists(path))
        {
            return mirror;
        }

        await using var file = File.OpenRead(path);
        var state = await JsonSerializer.DeserializeAsync<MirrorFile>(file, Json, cancellationToken) ?? throw new InvalidDataException($"{path} is empty.");
        mirror.Cursor = state.Cursor;
        foreach (var (id, alert) in state.Alerts)
        {
            mirror.Alerts[id] = alert;
        }

        foreach (var (id, hazard) in state.Hazards)
        {
            mirror.Hazards[id] = hazard;
        }

        foreach (var (id, region) in state.Regions)
        {
            mirror.Regions[id] = region;
        }

        return mirror;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private sealed record MirrorFile(
        long Cursor, Dictionary<string, JsonElement> Alerts, Dictionary<string, JsonElement> Hazards, Dictionary<string, RegionColours> Regions);
}

/// <summary>A region's dynamic colour (就高原则) and inherent colour; null for a region without assets.</summary>
public sealed record RegionColours(string? Colour, string? InherentColour);
