using RiskMonitor.Contracts.Telemetry;
using RiskMonitor.Domain.Devices;

namespace RiskMonitor.Ingestion.Parsing;

public enum Channel
{
    Telemetry,
    Event,
    Status,
    Position,

    /// <summary>A drill's inject (decision 0042).</summary>
    Drill,
}

/// <summary>Splits <c>rm/v1/{assetId}/{channel}</c> without allocating.</summary>
public static class TopicParser
{
    public const int MaxAssetIdLength = 64;

    public static bool TryParse(ReadOnlySpan<char> topic, out Range assetId, out Channel channel, out RejectReason reason)
    {
        assetId = default;
        channel = default;
        if (!topic.StartsWith(Topics.Prefix, StringComparison.Ordinal))
        {
            reason = RejectReason.InvalidTopic;
            return false;
        }

        var rest = topic[Topics.Prefix.Length..];
        var slash = rest.IndexOf('/');
        if (slash < 0 || rest[(slash + 1)..].Contains('/'))
        {
            reason = RejectReason.InvalidTopic;
            return false;
        }

        var id = rest[..slash];
        if (!IsValidAssetId(id))
        {
            reason = RejectReason.InvalidAssetId;
            return false;
        }

        switch (rest[(slash + 1)..])
        {
            case Topics.Telemetry: channel = Channel.Telemetry; break;
            case Topics.Event: channel = Channel.Event; break;
            case Topics.Status: channel = Channel.Status; break;
            case Topics.Position: channel = Channel.Position; break;
            case Topics.Drill: channel = Channel.Drill; break;
            default:
                reason = RejectReason.UnknownChannel;
                return false;
        }

        var start = Topics.Prefix.Length;
        assetId = new Range(start, start + slash);
        reason = default;
        return true;
    }

    /// <summary>DESIGN.md §2: <c>[A-Za-z0-9._-]{1,64}</c>.</summary>
    public static bool IsValidAssetId(ReadOnlySpan<char> id)
    {
        if (id.IsEmpty || id.Length > MaxAssetIdLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
