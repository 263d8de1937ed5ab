using System.Globalization;
using System.Text;
using CsCheck;
using RiskMonitor.Ingestion.Parsing;

namespace RiskMonitor.Ingestion.Tests.Parsing;

/// <summary>
/// Issue 11, hostile input: CsCheck properties over the MQTT payload parsers. A batch mixes good samples, samples with
/// some bad values and wholly bad samples; the parser must return exactly the good parts and one problem per bad part,
/// with its reason. CsCheck shrinks a failure to a small payload and prints the seed that replays it.
/// </summary>
public sealed class ParserPropertyTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(5);

    private static readonly Gen<string> MetricName =
        Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"], 1, 24];

    private static readonly Gen<double> FiniteValue = Gen.OneOf(Gen.Double[-1e6, 1e6], Gen.Int[-1000, 1000].Select(i => (double)i), Gen.Double.Where(double.IsFinite));

    // A past timestamp, as unix milliseconds, RFC 3339 with an offset, or absent (server time).
    private static readonly Gen<(string Json, DateTimeOffset At)> Timestamp =
        Gen.Long[0, (long)TimeSpan.FromDays(365).TotalMilliseconds].Select(Gen.Int[0, 2], Gen.OneOf("+08:00", "Z", "-05:30"), (ago, form, offset) =>
        {
            var at = ReceivedAt.AddMilliseconds(-ago);
            return form switch
            {
                0 => ($"\"ts\":{at.ToUnixTimeMilliseconds()},", at),
                1 => ($"\"ts\":\"{Rfc3339(at, offset)}\",", at),
                _ => (string.Empty, ReceivedAt),
            };
        });

    private static readonly Gen<(string Json, string Reason)> BadValue = Gen.OneOf(
        Gen.Const(("\"bad name\":1", "invalid_metric_name")),
        Gen.Const(("\"温度\":1", "invalid_metric_name")),
        MetricName.Select(n => ($"\"{n}\":\"12\"", "wrong_type")),
        MetricName.Select(n => ($"\"{n}\":null", "wrong_type")),
        MetricName.Select(n => ($"\"{n}\":{{\"v\":1}}", "wrong_type")),
        MetricName.Select(n => ($"\"{n}\":1e999", "non_finite_value")),
        MetricName.Select(n => ($"\"{n}\":-1e400", "non_finite_value")));

    /// <summary>A sample with what the parser must make of it: the values it keeps (in order) and the problems it reports.</summary>
    private sealed record Case(string Json, DateTimeOffset? At, IReadOnlyList<(string Metric, double Value)> Good, IReadOnlyList<string> Problems);

    private static readonly Gen<Case> GoodSample =
        Gen.Select(Timestamp, MetricName.HashSet[1, 6], FiniteValue.Array[6], (ts, names, values) =>
        {
            var good = names.Select((n, i) => (n, values[i])).ToList();
            return new Case($"{{{ts.Json}\"values\":{{{Values(good)}}}}}", ts.At, good, []);
        });

    private static readonly Gen<Case> PartlyBadSample =
        Gen.Select(Timestamp, MetricName.HashSet[1, 4], FiniteValue.Array[4], BadValue.Array[1, 3], (ts, names, values, bad) =>
        {
            var good = names.Select((n, i) => (n, values[i])).ToList();
            var members = good.Select(g => $"\"{g.n}\":{Number(g.Item2)}").Concat(bad.Select(b => b.Json)).ToArray();
            return new Case($"{{{ts.Json}\"values\":{{{string.Join(',', members)}}}}}", ts.At, good, [.. bad.Select(b => b.Reason)]);
        });

    private static readonly Gen<Case> WhollyBadSample = Gen.OneOf(
        Gen.Const(new Case("{\"values\":{}}", null, [], ["missing_values"])),
        Gen.Const(new Case("{\"ts\":1795521600000}", null, [], ["missing_values"])),
        Gen.Const(new Case("{\"values\":[1,2]}", null, [], ["wrong_type"])),
        Gen.Const(new Case("{\"ts\":\"2026-11-25T12:00:00\",\"values\":{\"a\":1}}", null, [], ["invalid_timestamp"])), // no offset
        Gen.Const(new Case("{\"ts\":\"yesterday\",\"values\":{\"a\":1}}", null, [], ["invalid_timestamp"])),
        Gen.Const(new Case("{\"ts\":true,\"values\":{\"a\":1}}", null, [], ["invalid_timestamp"])),
        Gen.Const(new Case("7", null, [], ["wrong_type"])),
        Gen.Const(new Case("\"text\"", null, [], ["wrong_type"])),
        Gen.Int[6, 100_000].Select(minutes => new Case(
            $"{{\"ts\":{ReceivedAt.AddMinutes(minutes).ToUnixTimeMilliseconds()},\"values\":{{\"a\":1}}}}", null, [], ["future_timestamp"])));

    private static readonly Gen<Case> AnySample = Gen.Frequency((5, GoodSample), (2, PartlyBadSample), (2, WhollyBadSample));

    [Fact]
    public void A_batch_keeps_exactly_its_good_parts_and_names_one_problem_per_bad_part()
    {
        var parser = new TelemetryParser(new MetricNameCache());

        AnySample.Array[1, 12].Sample(batch =>
        {
            var payload = "[" + string.Join(',', batch.Select(c => c.Json)) + "]";

            var result = parser.Parse(Payloads.Of(payload), ReceivedAt, MaxFutureSkew);

            var expectedSamples = batch.Where(c => c.Good.Count > 0).ToList();
            Assert.Equal(expectedSamples.Count, result.Samples.Length);
            for (var i = 0; i < expectedSamples.Count; i++)
            {
                Assert.Equal(expectedSamples[i].At, result.Samples[i].Timestamp);
                Assert.Equal(expectedSamples[i].Good, result.Samples[i].Values.Select(v => (v.Metric, v.Value)));
            }

            var expectedProblems = batch.SelectMany(c => c.Problems).Order().ToList();
            Assert.Equal(expectedProblems, (result.Problems ?? []).Select(p => IngestionStats.ReasonName(p.Reason)).Order());
        }, iter: 3000, print: batch => "[" + string.Join(',', batch.Select(c => c.Json)) + "]");
    }

    [Fact]
    public void A_single_good_sample_parses_to_its_values_whether_or_not_it_is_in_a_batch()
    {
        var parser = new TelemetryParser(new MetricNameCache());

        GoodSample.Sample(sample =>
        {
            var alone = parser.Parse(Payloads.Of(sample.Json), ReceivedAt, MaxFutureSkew);
            var batched = parser.Parse(Payloads.Of($"[{sample.Json}]"), ReceivedAt, MaxFutureSkew);

            Assert.Null(alone.Problems);
            Assert.Equal(Payloads.Describe(alone), Payloads.Describe(batched));
            Assert.Equal(sample.Good, alone.Samples[0].Values.Select(v => (v.Metric, v.Value)));
        }, iter: 2000, print: s => s.Json);
    }

    // Any JSON value at all, nested a few levels: the shapes a confused or hostile device can send that are valid JSON.
    private static Gen<string> AnyJson(int depth)
    {
        var scalar = Gen.OneOf(
            Gen.Const("null"), Gen.Const("true"), Gen.Const("false"), Gen.Const("1e999"), Gen.Const("-0"), Gen.Const("\"\\uD800\""),
            Gen.Double.Where(double.IsFinite).Select(Number), Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture)),
            Gen.String.Select(s => System.Text.Json.JsonSerializer.Serialize(s)),
            Gen.OneOf("\"ts\"", "\"values\"", "\"code\"", "\"active\"", "\"online\"", "\"2026-11-25T12:00:00Z\""));
        if (depth == 0)
        {
            return scalar;
        }

        var child = AnyJson(depth - 1);
        var key = Gen.OneOf(Gen.OneOf("ts", "values", "code", "active", "detail", "ch4_lel"), MetricName, Gen.String[0, 8]);
        var members = Gen.Select(key, child).Array[0, 5].Select(m =>
            string.Join(',', m.DistinctBy(p => p.Item1).Select(p => System.Text.Json.JsonSerializer.Serialize(p.Item1) + ":" + p.Item2)));
        return Gen.Frequency(
            (3, scalar),
            (2, members.Select(m => "{" + m + "}")),
            (1, child.Array[0, 5].Select(items => "[" + string.Join(',', items) + "]")));
    }

    [Fact]
    public void Any_json_value_gets_an_answer_from_every_parser_and_never_an_exception()
    {
        var parser = new TelemetryParser(new MetricNameCache(capacity: 64));

        AnyJson(3).Sample(json =>
        {
            var payload = Payloads.Of(Encoding.UTF8.GetBytes(json));

            var telemetry = parser.Parse(payload, ReceivedAt, MaxFutureSkew);
            var isEvent = EventParser.TryParse(payload, ReceivedAt, MaxFutureSkew, out var deviceEvent, out var eventProblem);
            StatusParser.TryParse(payload, out _);

            // Telemetry: something kept, or at least one problem counted; never silence.
            Assert.True(telemetry.Samples.Length > 0 || telemetry.Problems is { Count: > 0 });
            Assert.All(telemetry.Problems ?? [], p => Assert.True(Enum.IsDefined(p.Reason) && p.Detail.Length > 0));
            Assert.Equal(isEvent, deviceEvent is not null);
            Assert.True(isEvent || (Enum.IsDefined(eventProblem.Reason) && !string.IsNullOrEmpty(eventProblem.Detail)));
        }, iter: 5000, print: j => j);
    }

    [Fact]
    public void Generated_events_round_trip_and_their_detail_stays_valid_json()
    {
        var code = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz_"], 1, 32];
        var detail = Gen.OneOf(Gen.Const((string?)null), AnyJson(2).Where(j => j.StartsWith('{')).Select(j => (string?)j));

        Gen.Select(code, Gen.Bool, Timestamp, detail).Sample((c, active, ts, d) =>
        {
            var json = $"{{{ts.Json}\"code\":\"{c}\",\"active\":{(active ? "true" : "false")}" + (d is null ? "}" : $",\"detail\":{d}}}");

            var ok = EventParser.TryParse(Payloads.Of(json), ReceivedAt, MaxFutureSkew, out var parsed, out var problem);

            // A detail with a lone surrogate is valid JSON that cannot become a string; refusing it is right too.
            if (!ok)
            {
                Assert.Contains("\\uD800", json, StringComparison.Ordinal);
                Assert.True(Enum.IsDefined(problem.Reason));
                return;
            }

            Assert.Equal((c, active, ts.At), (parsed!.Code, parsed.Active, parsed.Timestamp));
            if (parsed.DetailJson is { } kept)
            {
                using var _ = System.Text.Json.JsonDocument.Parse(kept);
            }
        }, iter: 2000);
    }

    private static string Values(IEnumerable<(string Metric, double Value)> values) =>
        string.Join(',', values.Select(v => $"\"{v.Metric}\":{Number(v.Value)}"));

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Rfc3339(DateTimeOffset at, string offset)
    {
        var shift = offset switch { "+08:00" => TimeSpan.FromHours(8), "-05:30" => new TimeSpan(-5, -30, 0), _ => TimeSpan.Zero };
        var local = at.ToOffset(shift);
        return local.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture) + offset;
    }
}
