using System.Buffers;
using System.Text;
using RiskMonitor.Ingestion.Parsing;

namespace RiskMonitor.Ingestion.Tests.Parsing;

/// <summary>
/// DESIGN.md §2: bad input never crashes ingestion. Seeded random payloads, so a failure names a payload that replays.
/// </summary>
public sealed class ParserRobustnessTests
{
    private const int Cases = 5_000;
    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(5);

    private static readonly string[] ValidPayloads =
    [
        """{"ts":1795521599123,"values":{"ch4_lel":12.5,"pressure_kpa":310}}""",
        """{"ts":"2026-11-24T19:59:59.123+08:00","values":{"ch4_lel":-1.25e1,"door-1":0}}""",
        """[{"ts":"2026-11-24T11:59:59Z","values":{"a":1}},{"values":{"b":2.5,"c":-3}},{"ts":1795521000000,"values":{"d":4}}]""",
        """{"ts":1795521599123,"code":"entrapment","active":true,"detail":{"floor":3,"doors":["front"]}}""",
        """{"code":"door_fault","active":false,"ts":"2026-11-24T11:59:59.500Z"}""",
        "online",
        "\"offline\"",
    ];

    // Pieces that tend to reach the corners of a JSON reader: tokens out of place, escapes, number edges, bad UTF-8.
    private static readonly string[] Fragments =
    [
        "{", "}", "[", "]", "\"", ",", ":", " ", "\\", "\\u", "\\uD800", "\\u00e9", "\\\"", "NaN", "Infinity", "-Infinity",
        "1e999", "-0", "0.", ".5", "1e", "9999999999999999999999", "-", "+", "null", "true", "false", "\"ts\":", "\"values\":",
        "\"code\":", "\"active\":", "\"detail\":", "{\"a\":1}", "[[[[[[[[[[[[[[[[[[[[", "]]]]]]]]]]]]]]]]]]]]", "温",
        "\"2026-11-24T12:00:00\"", "\"2026-11-24T12:00:00+08:00\"", "\u0000", "//", "/*", "'", "\t\r\n",
    ];

    private static readonly byte[][] RawFragments = [[0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xEF, 0xBB, 0xBF], [0xC0, 0xAF]];

    [Fact]
    public void Random_bytes_never_make_a_parser_throw()
    {
        var random = new Random(20261124);
        var failures = new List<string>();

        for (var i = 0; i < Cases; i++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            if (i % 2 == 1)
            {
                // Half the cases draw from JSON's own alphabet, which gets much further into the reader than noise.
                const string alphabet = "{}[]\":,.-+0123456789eEtruefalsn \\/";
                for (var b = 0; b < bytes.Length; b++)
                {
                    bytes[b] = (byte)alphabet[random.Next(alphabet.Length)];
                }
            }

            CheckAllParsers(bytes, random, failures);
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(20)));
    }

    [Fact]
    public void Random_mutations_of_valid_payloads_never_make_a_parser_throw()
    {
        var random = new Random(1795521600);
        var failures = new List<string>();

        for (var i = 0; i < Cases; i++)
        {
            var bytes = Mutate(Encoding.UTF8.GetBytes(ValidPayloads[random.Next(ValidPayloads.Length)]), random);

            CheckAllParsers(bytes, random, failures);
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(20)));
    }

    [Fact]
    public void Random_valid_telemetry_split_at_random_points_parses_like_the_contiguous_payload()
    {
        var random = new Random(42);
        var parser = new TelemetryParser(new MetricNameCache());
        var failures = new List<string>();

        for (var i = 0; i < Cases / 5; i++)
        {
            var payload = RandomTelemetry(random);
            var bytes = Encoding.UTF8.GetBytes(payload);
            var cuts = Enumerable.Range(0, random.Next(1, 6)).Select(_ => random.Next(1, bytes.Length)).ToArray();

            var contiguous = Payloads.Describe(parser.Parse(Payloads.Of(bytes), ReceivedAt, MaxFutureSkew));
            var segmented = Payloads.Describe(parser.Parse(Payloads.Segmented(bytes, cuts), ReceivedAt, MaxFutureSkew));

            if (!contiguous.SequenceEqual(segmented))
            {
                failures.Add($"cuts [{string.Join(",", cuts.Order())}] of {payload}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(20)));
    }

    private static void CheckAllParsers(byte[] bytes, Random random, List<string> failures)
    {
        var parser = new TelemetryParser(new MetricNameCache(capacity: 8));
        ReadOnlySequence<byte>[] shapes = [Payloads.Of(bytes), Payloads.Segmented(bytes, random.Next(0, bytes.Length + 1), random.Next(0, bytes.Length + 1))];
        foreach (var payload in shapes)
        {
            try
            {
                var result = parser.Parse(payload, ReceivedAt, MaxFutureSkew);
                if (result.Samples.IsDefault || (result.Samples.IsEmpty && result.Problems is not { Count: > 0 }))
                {
                    failures.Add("telemetry gave neither samples nor problems: " + Show(bytes));
                }

                if (result.Problems is { } problems && problems.Any(p => !Enum.IsDefined(p.Reason) || string.IsNullOrEmpty(p.Detail)))
                {
                    failures.Add("telemetry gave a problem without a reason or detail: " + Show(bytes));
                }
            }
            catch (Exception ex)
            {
                failures.Add($"telemetry threw {ex.GetType().Name}: {ex.Message} on {Show(bytes)}");
            }

            try
            {
                var ok = EventParser.TryParse(payload, ReceivedAt, MaxFutureSkew, out var deviceEvent, out var problem);
                if (ok != deviceEvent is not null || (!ok && (problem.Detail is null || !Enum.IsDefined(problem.Reason))))
                {
                    failures.Add("event gave neither an event nor a problem: " + Show(bytes));
                }
            }
            catch (Exception ex)
            {
                failures.Add($"event threw {ex.GetType().Name}: {ex.Message} on {Show(bytes)}");
            }

            try
            {
                StatusParser.TryParse(payload, out _);
            }
            catch (Exception ex)
            {
                failures.Add($"status threw {ex.GetType().Name}: {ex.Message} on {Show(bytes)}");
            }
        }
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = original.ToList();
        var steps = random.Next(1, 5);
        for (var s = 0; s < steps; s++)
        {
            var at = random.Next(0, bytes.Count + 1);
            switch (random.Next(7))
            {
                case 0 when bytes.Count > 0: // delete a run
                    var start = random.Next(bytes.Count);
                    bytes.RemoveRange(start, random.Next(1, Math.Min(8, bytes.Count - start) + 1));
                    break;
                case 1: // insert a JSON-ish fragment
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(Fragments[random.Next(Fragments.Length)]));
                    break;
                case 2: // insert bytes that are not valid UTF-8
                    bytes.InsertRange(at, RawFragments[random.Next(RawFragments.Length)]);
                    break;
                case 3 when bytes.Count > 0: // overwrite one byte
                    bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                    break;
                case 4 when bytes.Count > 0: // duplicate a run
                    var from = random.Next(bytes.Count);
                    bytes.InsertRange(at, bytes.GetRange(from, random.Next(1, Math.Min(20, bytes.Count - from) + 1)));
                    break;
                case 5: // truncate
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                default: // replace a fragment-sized run with a fragment
                    var fragment = Encoding.UTF8.GetBytes(Fragments[random.Next(Fragments.Length)]);
                    var length = Math.Min(fragment.Length, bytes.Count - at);
                    bytes.RemoveRange(at, length);
                    bytes.InsertRange(at, fragment);
                    break;
            }
        }

        return [.. bytes];
    }

    private static string RandomTelemetry(Random random)
    {
        string Sample()
        {
            var ts = random.Next(4) switch
            {
                0 => "",
                1 => $"\"ts\":{1795521000000 + random.Next(1_000_000)},",
                2 => $"\"ts\":\"2026-11-24T{random.Next(24):00}:{random.Next(60):00}:{random.Next(60):00}.{random.Next(1000):000}{(random.Next(2) == 0 ? "Z" : "+08:00")}\",",
                _ => "\"ts\":\"2026-11-24T11:00:00\",",
            };
            var values = Enumerable.Range(0, random.Next(0, 5)).Select(v => random.Next(5) switch
            {
                0 => $"\"m{v}\":{random.Next(-1000, 1000)}",
                1 => $"\"metric_{v}.x\":{random.NextDouble() * 1e6 - 5e5:R}",
                2 => $"\"m{v}\":\"text\"",
                3 => $"\"m {v}\":1",
                _ => $"\"m{v}\":1e999",
            });
            return $"{{{ts}\"values\":{{{string.Join(",", values)}}},\"extra\":[\"x\",{{\"y\":null}}]}}";
        }

        return random.Next(2) == 0 ? Sample() : "[" + string.Join(",", Enumerable.Range(0, random.Next(1, 5)).Select(_ => Sample())) + "]";
    }

    private static string Show(byte[] bytes) => Convert.ToBase64String(bytes) + " (" + Encoding.UTF8.GetString(bytes).ReplaceLineEndings(" ") + ")";
}
