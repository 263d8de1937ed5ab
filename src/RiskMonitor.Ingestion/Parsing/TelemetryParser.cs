using System.Buffers;
using System.Collections.Immutable;
using System.Text.Json;
using RiskMonitor.Contracts.Telemetry;
using RiskMonitor.Domain.Assets;

namespace RiskMonitor.Ingestion.Parsing;

/// <summary>
/// Parses a telemetry payload (DESIGN.md §2): one <c>{"ts":..,"values":{..}}</c> object or an array of them.
/// Forward-only over the raw bytes with <see cref="Utf8JsonReader"/>: no DOM, no string per metric name.
/// Broken JSON rejects the whole message; a bad sample or value is dropped and reported while the good ones stay.
/// </summary>
public sealed class TelemetryParser(MetricNameCache names)
{
    private const int MaxRawNameBytes = MetricNameCache.MaxNameBytes * 6; // room for \uXXXX escapes
    private const int MaxRawTimestampBytes = 42 * 6; // the longest string Utf8JsonReader.TryGetDateTimeOffset reads

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 16, CommentHandling = JsonCommentHandling.Disallow };

    [ThreadStatic] private static List<MetricValue>? _threadValues;
    [ThreadStatic] private static List<TelemetrySample>? _threadSamples;

    public TelemetryParseResult Parse(ReadOnlySequence<byte> payload, DateTimeOffset receivedAt, TimeSpan maxFutureSkew)
    {
        var samples = _threadSamples ??= [];
        samples.Clear();
        var problems = new ProblemList();
        var reader = new Utf8JsonReader(payload, ReaderOptions);
        try
        {
            if (!reader.Read())
            {
                return TelemetryParseResult.Fatal(RejectReason.InvalidJson, "empty payload");
            }

            if (reader.TokenType == JsonTokenType.StartArray)
            {
                var count = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    count++;
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        ParseSample(ref reader, receivedAt, maxFutureSkew, samples, ref problems);
                    }
                    else
                    {
                        problems.Add(RejectReason.WrongType, $"batch item {count - 1} is not an object");
                        reader.Skip();
                    }
                }

                if (count == 0)
                {
                    return TelemetryParseResult.Fatal(RejectReason.EmptyBatch, "empty batch []");
                }
            }
            else if (reader.TokenType == JsonTokenType.StartObject)
            {
                ParseSample(ref reader, receivedAt, maxFutureSkew, samples, ref problems);
            }
            else
            {
                return TelemetryParseResult.Fatal(RejectReason.WrongType, "payload is neither an object nor an array");
            }

            if (reader.Read())
            {
                return TelemetryParseResult.Fatal(RejectReason.InvalidJson, "trailing content after the JSON value");
            }
        }
        catch (JsonException ex)
        {
            return TelemetryParseResult.Fatal(RejectReason.InvalidJson, ex.Message);
        }

        return new TelemetryParseResult([.. samples], problems.Items);
    }

    private void ParseSample(
        ref Utf8JsonReader reader, DateTimeOffset receivedAt, TimeSpan maxFutureSkew, List<TelemetrySample> samples, ref ProblemList problems)
    {
        var values = _threadValues ??= [];
        values.Clear();
        DateTimeOffset? timestamp = null;
        var timestampProblem = false;
        var valueProblems = false;
        var sawValues = false;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (NameIs(ref reader, "ts"u8))
            {
                reader.Read();
                if (TryReadTimestamp(ref reader, out var ts))
                {
                    timestamp = ts;
                }
                else
                {
                    timestampProblem = true;
                    reader.Skip();
                }
            }
            else if (NameIs(ref reader, "values"u8))
            {
                reader.Read();
                sawValues = true;
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    problems.Add(RejectReason.WrongType, "values is not an object");
                    valueProblems = true;
                    reader.Skip();
                    continue;
                }

                valueProblems |= ReadValues(ref reader, values, ref problems);
            }
            else
            {
                reader.Read();
                reader.Skip(); // unknown members are ignored, so devices may add fields without breaking
            }
        }

        if (timestampProblem)
        {
            problems.Add(RejectReason.InvalidTimestamp, "ts is neither unix milliseconds nor RFC 3339 with an offset");
            return;
        }

        var at = timestamp ?? receivedAt;
        if (at - receivedAt > maxFutureSkew)
        {
            problems.Add(RejectReason.FutureTimestamp, $"ts {at:O} is more than {maxFutureSkew.TotalMinutes:0} min ahead of the server");
            return;
        }

        if (values.Count == 0)
        {
            if (!valueProblems)
            {
                problems.Add(RejectReason.MissingValues, sawValues ? "values is empty" : "no values member");
            }

            return;
        }

        samples.Add(new TelemetrySample(at, [.. values]));
    }

    private bool ReadValues(ref Utf8JsonReader reader, List<MetricValue> values, ref ProblemList problems)
    {
        var anyProblem = false;
        Span<byte> nameBuffer = stackalloc byte[MaxRawNameBytes];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var rawLength = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
            var name = rawLength <= MaxRawNameBytes && TryCopyString(ref reader, nameBuffer, out var nameLength)
                ? names.Get(nameBuffer[..nameLength])
                : null;
            reader.Read();
            if (name is null)
            {
                problems.Add(RejectReason.InvalidMetricName, "a metric name is not [A-Za-z0-9_.-]{1,64}");
                anyProblem = true;
                reader.Skip();
                continue;
            }

            if (reader.TokenType != JsonTokenType.Number)
            {
                problems.Add(RejectReason.WrongType, $"{name} is {reader.TokenType}, not a number");
                anyProblem = true;
                reader.Skip();
                continue;
            }

            if (!reader.TryGetDouble(out var value) || !double.IsFinite(value))
            {
                problems.Add(RejectReason.NonFiniteValue, $"{name} is not a finite number");
                anyProblem = true;
                continue;
            }

            values.Add(new MetricValue(name, value));
        }

        return anyProblem;
    }

    private static bool TryReadTimestamp(ref Utf8JsonReader reader, out DateTimeOffset timestamp)
    {
        timestamp = default;
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.TryGetInt64(out var ms)
                ? Timestamps.TryFromUnixMilliseconds(ms, out timestamp)
                : reader.TryGetDouble(out var fractional) && Timestamps.TryFromUnixMilliseconds(fractional, out timestamp);
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        // A string cut by a segment boundary of the payload comes as a ValueSequence, and must read like a whole one.
        Span<byte> copy = stackalloc byte[MaxRawTimestampBytes];
        scoped ReadOnlySpan<byte> text = reader.ValueSpan;
        if (reader.HasValueSequence)
        {
            if (reader.ValueSequence.Length > copy.Length)
            {
                return false;
            }

            reader.ValueSequence.CopyTo(copy);
            text = copy[..(int)reader.ValueSequence.Length];
        }

        if (!Timestamps.HasExplicitOffset(text) || !TryGetDateTimeOffset(ref reader, out var parsed))
        {
            return false;
        }

        timestamp = parsed.ToUniversalTime();
        return true;
    }

    // The reader throws InvalidOperationException, not JsonException, when it unescapes a lone surrogate ("\uD800",
    // valid JSON) or decodes bytes that are not UTF-8. Neither is a valid name or time, and neither may escape Parse.
    private static bool TryCopyString(ref Utf8JsonReader reader, scoped Span<byte> destination, out int length)
    {
        try
        {
            length = reader.CopyString(destination);
            return true;
        }
        catch (InvalidOperationException)
        {
            length = 0;
            return false;
        }
    }

    private static bool NameIs(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        try
        {
            return reader.ValueTextEquals(name);
        }
        catch (InvalidOperationException)
        {
            return false; // not "ts" or "values", so an unknown member, and skipped as one
        }
    }

    private static bool TryGetDateTimeOffset(ref Utf8JsonReader reader, out DateTimeOffset value)
    {
        try
        {
            return reader.TryGetDateTimeOffset(out value);
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }
    }

    /// <summary>Problems found, kept only when there are any (the common good message allocates nothing here).</summary>
    private struct ProblemList
    {
        public List<ParseProblem>? Items;

        public void Add(RejectReason reason, string detail) => (Items ??= []).Add(new ParseProblem(reason, detail));
    }
}

public readonly record struct ParseProblem(RejectReason Reason, string Detail);

/// <summary>The good samples of a message and what was wrong with the rest.</summary>
public readonly record struct TelemetryParseResult(ImmutableArray<TelemetrySample> Samples, IReadOnlyList<ParseProblem>? Problems)
{
    public bool IsFatal => Samples.IsDefaultOrEmpty && Problems is { Count: > 0 };

    public static TelemetryParseResult Fatal(RejectReason reason, string detail) => new([], [new ParseProblem(reason, detail)]);
}
