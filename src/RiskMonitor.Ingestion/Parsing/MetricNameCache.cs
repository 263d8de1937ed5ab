using System.Collections.Concurrent;
using System.Text;

namespace RiskMonitor.Ingestion.Parsing;

/// <summary>
/// Metric names repeat in every message; this hands out one shared string per name so that parsing a reading
/// allocates no string. Bounded, so that a device inventing names cannot grow it without limit.
/// </summary>
public sealed class MetricNameCache
{
    public const int MaxNameBytes = 64;
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _capacity;

    public MetricNameCache(int capacity = 4096)
    {
        _capacity = capacity;
        _lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Returns the name for its UTF-8 bytes, or null when it is not <c>[A-Za-z0-9_.-]{1,64}</c>.</summary>
    public string? Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty || utf8.Length > MaxNameBytes)
        {
            return null;
        }

        Span<char> chars = stackalloc char[MaxNameBytes];
        for (var i = 0; i < utf8.Length; i++)
        {
            var b = utf8[i];
            // ASCII only: every valid name byte is one char, so the copy is the decode.
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'_' or (byte)'.' or (byte)'-'))
            {
                return null;
            }

            chars[i] = (char)b;
        }

        var name = chars[..utf8.Length];
        if (_lookup.TryGetValue(name, out var cached))
        {
            return cached;
        }

        var created = Encoding.ASCII.GetString(utf8);
        return _names.Count < _capacity ? _names.GetOrAdd(created, created) : created;
    }
}
