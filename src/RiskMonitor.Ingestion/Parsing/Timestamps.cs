namespace RiskMonitor.Ingestion.Parsing;

/// <summary>The one timestamp grammar of every channel: unix milliseconds, or RFC 3339 with "Z" or an offset.</summary>
internal static class Timestamps
{
    private const long MaxUnixMilliseconds = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

    public static bool TryFromUnixMilliseconds(long ms, out DateTimeOffset timestamp)
    {
        var ok = ms is > 0 and <= MaxUnixMilliseconds;
        timestamp = ok ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : default;
        return ok;
    }

    public static bool TryFromUnixMilliseconds(double ms, out DateTimeOffset timestamp)
    {
        timestamp = default;
        return double.IsFinite(ms) && ms is > 0 and <= MaxUnixMilliseconds && TryFromUnixMilliseconds((long)ms, out timestamp);
    }

    // RFC 3339 requires "Z" or an offset; a bare local time would be read differently by different servers.
    public static bool HasExplicitOffset(ReadOnlySpan<byte> text)
    {
        var t = text.IndexOfAny((byte)'T', (byte)'t');
        return t >= 0 && (text[t..].IndexOfAny((byte)'Z', (byte)'z') >= 0 || text[t..].IndexOfAny((byte)'+', (byte)'-') >= 0);
    }

    public static bool HasExplicitOffset(ReadOnlySpan<char> text)
    {
        var t = text.IndexOfAny('T', 't');
        return t >= 0 && (text[t..].IndexOfAny('Z', 'z') >= 0 || text[t..].IndexOfAny('+', '-') >= 0);
    }
}
