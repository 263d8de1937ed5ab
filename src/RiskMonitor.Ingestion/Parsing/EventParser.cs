using System.Buffers;
using System.Text.Json;
using RiskMonitor.Contracts.Telemetry;

namespace RiskMonitor.Ingestion.Parsing;

/// <summary>
/// Parses <c>{"ts":..,"code":"entrapment","active":true,"detail":{..}}</c>. Events are rare, so this uses a
/// <see cref="JsonDocument"/> for clarity rather than the hand-rolled reader of the telemetry path.
/// </summary>
public static class EventParser
{
    public static bool TryParse(
        ReadOnlySequence<byte> payload, DateTimeOffset receivedAt, TimeSpan maxFutureSkew,
        out DeviceEvent? deviceEvent, out ParseProblem problem)
    {
        deviceEvent = null;
        if (!SmallJsonDocument.TryParse(payload, out var document, out problem))
        {
            return false;
        }

        try
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = new ParseProblem(RejectReason.WrongType, "an event is a JSON object");
                return false;
            }

            if (!root.TryGetProperty("code", out var codeElement) || codeElement.ValueKind != JsonValueKind.String ||
                TryGetString(codeElement) is not { } code || !IsValidCode(code))
            {
                problem = new ParseProblem(RejectReason.InvalidEvent, "code must be a string of [a-z0-9_]{1,64}");
                return false;
            }

            var active = true; // an event without "active" is a raise; only an explicit false clears
            if (root.TryGetProperty("active", out var activeElement))
            {
                if (activeElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    problem = new ParseProblem(RejectReason.InvalidEvent, "active must be true or false");
                    return false;
                }

                active = activeElement.GetBoolean();
            }

            var at = receivedAt;
            if (root.TryGetProperty("ts", out var tsElement))
            {
                if (!TryReadTimestamp(tsElement, out at))
                {
                    problem = new ParseProblem(RejectReason.InvalidTimestamp, "ts is neither unix milliseconds nor RFC 3339 with an offset");
                    return false;
                }

                if (at - receivedAt > maxFutureSkew)
                {
                    problem = new ParseProblem(RejectReason.FutureTimestamp, $"ts {at:O} is in the future");
                    return false;
                }
            }

            var detail = root.TryGetProperty("detail", out var detailElement) ? detailElement.GetRawText() : null;
            deviceEvent = new DeviceEvent(at, code, active, detail, receivedAt);
            return true;
        }
        catch (InvalidOperationException)
        {
            // TryGetProperty unescapes member names to compare them, and throws on an escaped lone surrogate ("\uD800").
            problem = new ParseProblem(RejectReason.InvalidJson, "a member name escapes a lone surrogate");
            return false;
        }
        finally
        {
            document.Dispose();
        }
    }

    private static bool IsValidCode(string code) =>
        code.Length is > 0 and <= 64 && code.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');

    internal static bool TryReadTimestamp(JsonElement element, out DateTimeOffset timestamp)
    {
        timestamp = default;
        switch (element.ValueKind)
        {
            case JsonValueKind.Number:
                return element.TryGetInt64(out var ms)
                    ? Timestamps.TryFromUnixMilliseconds(ms, out timestamp)
                    : element.TryGetDouble(out var fractional) && Timestamps.TryFromUnixMilliseconds(fractional, out timestamp);
            case JsonValueKind.String when Timestamps.HasExplicitOffset(TryGetString(element)) && TryGetDateTimeOffset(element, out var parsed):
                timestamp = parsed.ToUniversalTime();
                return true;
            default:
                return false;
        }
    }

    // GetString and TryGetDateTimeOffset throw InvalidOperationException on an escaped lone surrogate ("\uD800"):
    // valid JSON, but never a valid code or time.
    internal static string? TryGetString(JsonElement element)
    {
        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static bool TryGetDateTimeOffset(JsonElement element, out DateTimeOffset value)
    {
        try
        {
            return element.TryGetDateTimeOffset(out value);
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }
    }
}

/// <summary>Parses the retained status: <c>online</c> or <c>offline</c>, bare or as a JSON string.</summary>
public static class StatusParser
{
    public static bool TryParse(ReadOnlySequence<byte> payload, out bool online)
    {
        Span<byte> buffer = stackalloc byte[16];
        online = false;
        if (payload.Length > buffer.Length)
        {
            return false;
        }

        payload.CopyTo(buffer);
        ReadOnlySpan<byte> text = buffer[..(int)payload.Length];
        text = text[System.Text.Ascii.Trim(text)];
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            text = text[1..^1];
        }

        if (System.Text.Ascii.EqualsIgnoreCase(text, "online"u8))
        {
            online = true;
            return true;
        }

        return System.Text.Ascii.EqualsIgnoreCase(text, "offline"u8);
    }
}
