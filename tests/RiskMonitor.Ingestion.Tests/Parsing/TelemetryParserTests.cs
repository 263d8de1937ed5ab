using System.Text;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Ingestion.Parsing;

namespace RiskMonitor.Ingestion.Tests.Parsing;

public sealed class TelemetryParserTests
{
    // 2026-11-24T12:00:00Z is 1795521600000 unix ms; the five-minute limit is 1795521900000.
    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(5);

    private readonly MetricNameCache _names = new();
    private readonly TelemetryParser _parser;

    public TelemetryParserTests() => _parser = new TelemetryParser(_names);

    // ---- broken JSON rejects the whole message ----

    [Theory]
    [InlineData("garbage")]
    [InlineData("ch4_lel=12.5")]
    [InlineData("")]
    [InlineData("   \r\n\t ")]
    [InlineData("{")]
    [InlineData("{\"values\":{\"ch4_lel\":12.5}")]
    [InlineData("{\"values\":{\"ch4_lel\":12.")]
    [InlineData("{\"values\":{\"ch4_l")]
    [InlineData("{\"ts\":17955216")]
    [InlineData("[{\"values\":{\"ch4_lel\":12.5}}")]
    [InlineData("{\"values\":{\"ch4_lel\":12.5}} x")]
    [InlineData("{\"values\":{\"ch4_lel\":12.5}}{\"values\":{\"ch4_lel\":13}}")]
    [InlineData("{\"values\":{\"ch4_lel\":12.5}},")]
    [InlineData("{\"values\":{\"ch4_lel\":NaN}}")]
    [InlineData("{\"values\":{\"ch4_lel\":Infinity}}")]
    [InlineData("{\"values\":{\"ch4_lel\":-Infinity}}")]
    [InlineData("{\"values\":{\"ch4_lel\":nan}}")]
    [InlineData("{\"values\":{\"ch4_lel\":12.5,}}")]
    [InlineData("{'values':{'ch4_lel':12.5}}")]
    [InlineData("{values:{ch4_lel:12.5}}")]
    [InlineData("{\"values\":{\"ch4_lel\":012}}")]
    [InlineData("{\"values\":{\"ch4_lel\":0x1F}}")]
    [InlineData("{\"values\":{\"ch4_lel\":12.5}} // trailing comment")]
    [InlineData("{\"values\":{\"ch4_lel\":\"unterminated}}")]
    public void Malformed_json_is_refused_whole_as_invalid_json(string payload)
    {
        var result = Parse(payload);

        Assert.True(result.IsFatal);
        Assert.Empty(result.Samples);
        Assert.Equal([RejectReason.InvalidJson], Reasons(result));
    }

    [Fact]
    public void Json_cut_off_after_good_samples_still_refuses_the_whole_batch()
    {
        var payload = "[{\"values\":{\"ch4_lel\":1}},{\"values\":{\"ch4_lel\":2}},{\"values\":{\"ch4_l";

        var result = Parse(payload);

        Assert.Empty(result.Samples);
        Assert.Equal([RejectReason.InvalidJson], Reasons(result));
    }

    [Fact]
    public void Nesting_deeper_than_the_reader_allows_is_invalid_json()
    {
        var payload = "{\"values\":{\"ch4_lel\":1},\"extra\":" + new string('[', 40) + new string(']', 40) + "}";

        var result = Parse(payload);

        Assert.Equal([RejectReason.InvalidJson], Reasons(result));
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_never_accepted()
    {
        byte[] payload = [.. "{\"values\":{\"ch4_lel\":"u8, 0xFF, 0xFE, .. "}}"u8];

        var result = _parser.Parse(Payloads.Of(payload), ReceivedAt, MaxFutureSkew);

        Assert.Empty(result.Samples);
        Assert.Equal([RejectReason.InvalidJson], Reasons(result));
    }

    [Fact]
    public void A_metric_name_that_is_not_utf8_is_an_invalid_metric_name_and_the_other_values_stay()
    {
        byte[] payload = [.. "{\"values\":{\"ch4_lel\":1,\"pres"u8, 0xFF, .. "sure\":2,\"b"u8, 0xC3, 0x28, .. "\":3}}"u8];

        var result = _parser.Parse(Payloads.Of(payload), ReceivedAt, MaxFutureSkew);

        Assert.Equal([new MetricValue("ch4_lel", 1)], Assert.Single(result.Samples).Values);
        Assert.Equal([RejectReason.InvalidMetricName, RejectReason.InvalidMetricName], Reasons(result));
    }

    [Theory]
    [InlineData("\\uD800")]
    [InlineData("a\\uDC00b")]
    [InlineData("\\uD800\\u0041")]
    public void A_metric_name_with_an_escaped_lone_surrogate_is_an_invalid_metric_name(string name)
    {
        var result = Parse($"{{\"values\":{{\"{name}\":1,\"ok\":2}}}}");

        Assert.Equal([new MetricValue("ok", 2)], Assert.Single(result.Samples).Values);
        Assert.Equal([RejectReason.InvalidMetricName], Reasons(result));
    }

    [Theory]
    [InlineData("2026-11-24T11:59:59\\uD800Z")]
    [InlineData("2026-11-24T11:59:59+08:00\\uDC00")]
    public void A_timestamp_with_an_escaped_lone_surrogate_is_an_invalid_timestamp(string ts)
    {
        var result = Parse($"{{\"ts\":\"{ts}\",\"values\":{{\"a\":1}}}}");

        Assert.Empty(result.Samples);
        Assert.Equal([RejectReason.InvalidTimestamp], Reasons(result));
    }

    [Fact]
    public void A_member_name_with_an_escaped_lone_surrogate_is_an_unknown_member()
    {
        var result = Parse("{\"va\\uD800lues\":{\"a\":1},\"values\":{\"b\":2}}");

        Assert.Equal([new MetricValue("b", 2)], Assert.Single(result.Samples).Values);
        Assert.Null(result.Problems);
    }

    // ---- wrong shapes ----

    [Theory]
    [InlineData("42")]
    [InlineData("-1.5")]
    [InlineData("\"online\"")]
    [InlineData("true")]
    [InlineData("null")]
    public void A_payload_that_is_neither_an_object_nor_an_array_is_a_wrong_type(string payload)
    {
        var result = Parse(payload);

        Assert.True(result.IsFatal);
        Assert.Equal([RejectReason.WrongType], Reasons(result));
    }

    [Theory]
    [InlineData("{\"values\":\"ch4_lel=12.5\"}")]
    [InlineData("{\"values\":12.5}")]
    [InlineData("{\"values\":[12.5]}")]
    [InlineData("{\"values\":[{\"ch4_lel\":12.5}]}")]
    [InlineData("{\"values\":null}")]
    [InlineData("{\"values\":true}")]
    public void Values_that_are_not_an_object_are_a_wrong_type(string payload)
    {
        var result = Parse(payload);

        Assert.Empty(result.Samples);
        Assert.Equal([RejectReason.WrongType], Reasons(result));
    }

    [Theory]
    [InlineData("\"12.5\"")]
    [InlineData("\"\"")]
    [InlineData("true")]
    [InlineData("false")]
    [InlineData("null")]
    [InlineData("{\"value\":12.5}")]
    [InlineData("{}")]
    [InlineData("[12.5]")]
    [InlineData("[]")]
    public void A_value_that_is_not_a_number_is_a_wrong_type(string value)
    {
        var result = Parse($"{{\"values\":{{\"ch4_lel\":{value}}}}}");

        Assert.Empty(result.Samples);
        Assert.Equal([RejectReason.WrongType], Reasons(result));
    }

    [Theory]
    [InlineData("1e999")]
    [InlineData("-1e999")]
    [InlineData("1.7976931348623159e308")]
    [InlineData("123456789e400")]
    public void A_number_too_large_for_a_double_is_a_non_finite_value(string value)
    {
        var result = Parse($"{{\"values\":{{\"ch4_lel\":{value}}}}}");

        Assert.Empty(result.Samples);
        Assert.Equal([RejectReason.NonFiniteValue], Reasons(result));
    }

    [Fact]
    public void The_largest_finite_double_is_accepted()
    {
        var result = Parse("{\"values\":{\"ch4_lel\":1.7976931348623157e308}}");

        Assert.Equal(double.MaxValue, Assert.Single(Assert.Single(result.Samples).Values).Value);
    }

    // ---- empty and missing ----

    [Theory]
    [InlineData("[]")]
    [InlineData("[ ]")]
    [InlineData(" [\r\n] ")]
    public void An_empty_batch_is_refused_as_an_empty_batch(string payload)
    {
        var result = Parse(payload);

        Assert.True(result.IsFatal);
        Assert.Equal([RejectReason.EmptyBatch], Reasons(result));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"ts\":1795521600000}")]
    [InlineData("{\"ts\":1795521600000,\"value\":{\"ch4_lel\":12.5}}")]
    [InlineData("{\"values\":{}}")]
    [InlineData("{\"ts\":\"2026-11-24T12:00:00Z\",\"values\":{ }}")]
    public void A_sample_without_values_or_with_empty_values_is_missing_values(string payload)
    {
        var result = Parse(payload);

        Assert.Empty(result.Samples);
        Assert.Equal([RejectReason.MissingValues], Reasons(result));
    }

    // ---- timestamps ----

    [Theory]
    [InlineData("\"2026-11-24T12:00:00\"")]
    [InlineData("\"2026-11-24T12:00:00.123\"")]
    [InlineData("\"2026-11-24\"")]
    [InlineData("\"12:00:00Z\"")]
    [InlineData("\"yesterday\"")]
    [InlineData("\"\"")]
    [InlineData("\"1795521600000\"")]
    [InlineData("\"2026-13-45T12:00:00Z\"")]
    [InlineData("\"2026-11-24T25:00:00+08:00\"")]
    [InlineData("-1")]
    [InlineData("-1795521600000")]
    [InlineData("0")]
    [InlineData("0.5")]
    [InlineData("1e999")]
    [InlineData("253402300800000")]
    [InlineData("99999999999999999999999")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("{\"ms\":1795521600000,\"nested\":{\"deeper\":[1,2]}}")]
    [InlineData("[1795521600000]")]
    public void A_timestamp_that_is_neither_unix_ms_nor_rfc3339_with_an_offset_is_invalid(string ts)
    {
        var result = Parse($"{{\"ts\":{ts},\"values\":{{\"ch4_lel\":12.5}}}}");

        Assert.Empty(result.Samples);
        Assert.Equal([RejectReason.InvalidTimestamp], Reasons(result));
    }

    [Theory]
    [InlineData("1795521900001")] // five minutes and one millisecond ahead
    [InlineData("1795525200000")] // an hour ahead
    [InlineData("253402300799999")] // the last millisecond of year 9999
    [InlineData("\"2026-11-24T12:05:00.001Z\"")]
    [InlineData("\"2026-11-24T20:05:00.001+08:00\"")]
    public void A_reading_more_than_five_minutes_in_the_future_is_refused(string ts)
    {
        var result = Parse($"{{\"ts\":{ts},\"values\":{{\"ch4_lel\":12.5}}}}");

        Assert.Empty(result.Samples);
        Assert.Equal([RejectReason.FutureTimestamp], Reasons(result));
    }

    [Theory]
    [InlineData("1795521900000")]
    [InlineData("\"2026-11-24T12:05:00Z\"")]
    [InlineData("\"2026-11-24T20:05:00+08:00\"")]
    public void A_reading_exactly_five_minutes_in_the_future_is_accepted(string ts)
    {
        var result = Parse($"{{\"ts\":{ts},\"values\":{{\"ch4_lel\":12.5}}}}");

        Assert.Null(result.Problems);
        Assert.Equal(ReceivedAt.AddMinutes(5), Assert.Single(result.Samples).Timestamp);
    }

    [Fact]
    public void The_future_limit_follows_the_configured_skew()
    {
        var payload = Payloads.Of("{\"ts\":1795521660000,\"values\":{\"ch4_lel\":12.5}}"); // one minute ahead

        var strict = _parser.Parse(payload, ReceivedAt, TimeSpan.FromSeconds(30));
        var lenient = _parser.Parse(payload, ReceivedAt, TimeSpan.FromMinutes(1));

        Assert.Equal([RejectReason.FutureTimestamp], Reasons(strict));
        Assert.Single(lenient.Samples);
    }

    [Fact]
    public void A_reading_from_the_past_is_accepted_with_its_own_time()
    {
        var result = Parse("{\"ts\":1764000000123,\"values\":{\"ch4_lel\":12.5}}");

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764000000123), Assert.Single(result.Samples).Timestamp);
    }

    [Fact]
    public void A_timestamp_in_unix_milliseconds_is_read_to_the_millisecond()
    {
        var result = Parse("{\"ts\":1795521599123,\"values\":{\"ch4_lel\":12.5}}");

        var sample = Assert.Single(result.Samples);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 11, 59, 59, 123, TimeSpan.Zero), sample.Timestamp);
        Assert.Equal(TimeSpan.Zero, sample.Timestamp.Offset);
    }

    [Fact]
    public void A_fractional_unix_millisecond_timestamp_is_truncated_to_the_millisecond()
    {
        var result = Parse("{\"ts\":1795521599123.9,\"values\":{\"ch4_lel\":12.5}}");

        Assert.Equal(new DateTimeOffset(2026, 11, 24, 11, 59, 59, 123, TimeSpan.Zero), Assert.Single(result.Samples).Timestamp);
    }

    [Fact]
    public void An_rfc3339_timestamp_in_utc_is_read_as_is()
    {
        var result = Parse("{\"ts\":\"2026-11-24T11:59:59.123Z\",\"values\":{\"ch4_lel\":12.5}}");

        var sample = Assert.Single(result.Samples);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 11, 59, 59, 123, TimeSpan.Zero), sample.Timestamp);
        Assert.Equal(TimeSpan.Zero, sample.Timestamp.Offset);
    }

    [Theory]
    [InlineData("2026-11-24T19:59:59.123+08:00")]
    [InlineData("2026-11-24T06:59:59.123-05:00")]
    [InlineData("2026-11-24T11:59:59.123+00:00")]
    public void An_rfc3339_timestamp_with_an_offset_is_converted_to_utc(string ts)
    {
        var result = Parse($"{{\"ts\":\"{ts}\",\"values\":{{\"ch4_lel\":12.5}}}}");

        var sample = Assert.Single(result.Samples);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 11, 59, 59, 123, TimeSpan.Zero), sample.Timestamp);
        Assert.Equal(TimeSpan.Zero, sample.Timestamp.Offset);
    }

    [Fact]
    public void A_sample_without_a_timestamp_takes_the_server_receive_time()
    {
        var result = Parse("{\"values\":{\"ch4_lel\":12.5}}");

        Assert.Equal(ReceivedAt, Assert.Single(result.Samples).Timestamp);
    }

    // ---- metric names ----

    [Theory]
    [InlineData("ch4 lel")]
    [InlineData(" ch4_lel")]
    [InlineData("")]
    [InlineData("温度")]
    [InlineData("ch4_lel°")]
    [InlineData("café")]
    [InlineData("a/b")]
    [InlineData("a+b")]
    [InlineData("a:b")]
    [InlineData("tab\\there")]
    [InlineData("quote\\\"d")]
    [InlineData("\\u00e9")]
    public void A_metric_name_outside_the_allowed_characters_is_invalid(string name)
    {
        var result = Parse($"{{\"values\":{{\"{name}\":12.5}}}}");

        Assert.Empty(result.Samples);
        Assert.Equal([RejectReason.InvalidMetricName], Reasons(result));
    }

    [Theory]
    [InlineData(65)]
    [InlineData(384)]
    [InlineData(385)]
    [InlineData(5000)]
    public void A_metric_name_longer_than_64_characters_is_invalid(int length)
    {
        var result = Parse($"{{\"values\":{{\"{new string('m', length)}\":12.5}}}}");

        Assert.Empty(result.Samples);
        Assert.Equal([RejectReason.InvalidMetricName], Reasons(result));
    }

    [Fact]
    public void A_metric_name_of_exactly_64_characters_is_accepted()
    {
        var name = new string('m', 64);

        var result = Parse($"{{\"values\":{{\"{name}\":12.5}}}}");

        Assert.Equal(name, Assert.Single(Assert.Single(result.Samples).Values).Metric);
    }

    [Theory]
    [InlineData("ch4_lel")]
    [InlineData("PressureKpa")]
    [InlineData("temp.c")]
    [InlineData("door-1")]
    [InlineData("0")]
    [InlineData("A.b_C-9")]
    public void Metric_names_of_letters_digits_dots_underscores_and_dashes_are_accepted(string name)
    {
        var result = Parse($"{{\"values\":{{\"{name}\":12.5}}}}");

        Assert.Equal(name, Assert.Single(Assert.Single(result.Samples).Values).Metric);
    }

    [Fact]
    public void An_escaped_metric_name_is_read_unescaped()
    {
        var result = Parse("{\"values\":{\"ch4\\u005flel\":12.5}}");

        Assert.Equal("ch4_lel", Assert.Single(Assert.Single(result.Samples).Values).Metric);
    }

    [Fact]
    public void A_metric_name_padded_with_escapes_to_the_raw_limit_is_still_read()
    {
        // 64 chars written as \u0061 each: 384 raw bytes, exactly the raw-name buffer.
        var escaped = string.Concat(Enumerable.Repeat("\\u0061", 64));

        var result = Parse($"{{\"values\":{{\"{escaped}\":12.5}}}}");

        Assert.Equal(new string('a', 64), Assert.Single(Assert.Single(result.Samples).Values).Metric);
    }

    [Fact]
    public void Metric_names_come_from_the_shared_cache()
    {
        var first = Parse("{\"values\":{\"ch4_lel\":1}}");
        var second = Parse("{\"values\":{\"ch4_lel\":2}}");

        Assert.Same(first.Samples[0].Values[0].Metric, second.Samples[0].Values[0].Metric);
    }

    // ---- good messages ----

    [Fact]
    public void A_single_object_becomes_one_sample_with_its_values_in_order()
    {
        var result = Parse("{\"ts\":1795521599123,\"values\":{\"ch4_lel\":12.5,\"pressure_kpa\":310}}");

        Assert.Null(result.Problems);
        Assert.False(result.IsFatal);
        var sample = Assert.Single(result.Samples);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1795521599123), sample.Timestamp);
        Assert.Equal([new MetricValue("ch4_lel", 12.5), new MetricValue("pressure_kpa", 310)], sample.Values);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(10)]
    [InlineData(500)]
    public void A_batch_of_n_objects_becomes_n_samples_in_order(int count)
    {
        var items = Enumerable.Range(0, count)
            .Select(i => $"{{\"ts\":{1795521000000 + i},\"values\":{{\"ch4_lel\":{i}.5,\"n\":{i}}}}}");

        var result = Parse("[" + string.Join(",", items) + "]");

        Assert.Null(result.Problems);
        Assert.Equal(count, result.Samples.Length);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1795521000000 + i), result.Samples[i].Timestamp);
            Assert.Equal([new MetricValue("ch4_lel", i + 0.5), new MetricValue("n", i)], result.Samples[i].Values);
        }
    }

    [Fact]
    public void Samples_of_one_batch_may_mix_timestamp_forms_and_absence()
    {
        var payload = """
            [
              {"ts": 1795521599000, "values": {"a": 1}},
              {"ts": "2026-11-24T11:59:59.500Z", "values": {"a": 2}},
              {"ts": "2026-11-24T19:59:59.750+08:00", "values": {"a": 3}},
              {"values": {"a": 4}}
            ]
            """;

        var result = Parse(payload);

        Assert.Null(result.Problems);
        Assert.Equal(
            [
                ReceivedAt.AddMilliseconds(-1000), ReceivedAt.AddMilliseconds(-500),
                ReceivedAt.AddMilliseconds(-250), ReceivedAt,
            ],
            result.Samples.Select(s => s.Timestamp));
    }

    [Fact]
    public void Unknown_members_are_ignored_wherever_they_are()
    {
        var payload = """
            {"seq": 7, "fw": {"version": "1.2.3", "flags": [true, null, {"x": []}]}, "ts": 1795521599000,
             "values": {"ch4_lel": 12.5}, "note": null, "rssi": -71, "tags": ["a", "b"]}
            """;

        var result = Parse(payload);

        Assert.Null(result.Problems);
        Assert.Equal([new MetricValue("ch4_lel", 12.5)], Assert.Single(result.Samples).Values);
    }

    [Theory]
    [InlineData("310", 310.0)]
    [InlineData("0", 0.0)]
    [InlineData("12.5", 12.5)]
    [InlineData("0.001", 0.001)]
    [InlineData("1e3", 1000.0)]
    [InlineData("2.5E-3", 0.0025)]
    [InlineData("1E+2", 100.0)]
    [InlineData("-40", -40.0)]
    [InlineData("-0.75", -0.75)]
    [InlineData("-1.5e2", -150.0)]
    [InlineData("9007199254740993", 9007199254740992.0)]
    [InlineData("123456789012345678901234567890", 1.2345678901234568e29)]
    public void Integer_fractional_exponent_and_negative_values_are_read_as_doubles(string json, double expected)
    {
        var result = Parse($"{{\"values\":{{\"v\":{json}}}}}");

        Assert.Equal(expected, Assert.Single(Assert.Single(result.Samples).Values).Value);
    }

    [Fact]
    public void Negative_zero_is_kept_as_a_value()
    {
        var result = Parse("{\"values\":{\"v\":-0}}");

        Assert.Equal(0.0, Assert.Single(Assert.Single(result.Samples).Values).Value);
    }

    [Fact]
    public void Whitespace_around_and_inside_the_payload_is_allowed()
    {
        var result = Parse(" \r\n\t{ \"values\" : { \"ch4_lel\" : 12.5 } }\r\n ");

        Assert.Equal([new MetricValue("ch4_lel", 12.5)], Assert.Single(result.Samples).Values);
    }

    // ---- partial acceptance ----

    [Fact]
    public void A_batch_mixing_good_and_bad_samples_keeps_exactly_the_good_ones_and_reports_each_bad_one()
    {
        var payload = """
            [
              {"ts": 1795521590000, "values": {"a": 1}},
              {"ts": 1795521591000, "values": {"a": "high"}},
              {"ts": 1795521592000, "values": {"a": 2}},
              7,
              {"ts": -1, "values": {"a": 3}},
              {"ts": 1795525200000, "values": {"a": 4}},
              {"ts": 1795521593000, "values": {}},
              {"ts": 1795521594000},
              {"ts": 1795521595000, "values": {"a": 1e999}},
              {"ts": 1795521596000, "values": {"bad name": 5}},
              [1, 2],
              "x",
              null,
              {"ts": 1795521597000, "values": [1]},
              {"ts": 1795521598000, "values": {"a": 6, "b": 7}}
            ]
            """;

        var result = Parse(payload);

        Assert.False(result.IsFatal);
        Assert.Equal(
            [
                (DateTimeOffset.FromUnixTimeMilliseconds(1795521590000), "a=1"),
                (DateTimeOffset.FromUnixTimeMilliseconds(1795521592000), "a=2"),
                (DateTimeOffset.FromUnixTimeMilliseconds(1795521598000), "a=6,b=7"),
            ],
            result.Samples.Select(s => (s.Timestamp, string.Join(",", s.Values.Select(v => $"{v.Metric}={v.Value}")))));
        Assert.Equal(
            [
                RejectReason.WrongType, RejectReason.WrongType, RejectReason.InvalidTimestamp, RejectReason.FutureTimestamp,
                RejectReason.MissingValues, RejectReason.MissingValues, RejectReason.NonFiniteValue,
                RejectReason.InvalidMetricName, RejectReason.WrongType, RejectReason.WrongType, RejectReason.WrongType,
                RejectReason.WrongType,
            ],
            Reasons(result));
    }

    [Fact]
    public void A_sample_with_some_bad_values_keeps_its_other_values_and_reports_each_bad_one()
    {
        var payload = """
            {"ts": 1795521599000, "values": {"a": 1, "b": "x", "c": 1e999, "d d": 2, "e": null, "f": 3}}
            """;

        var result = Parse(payload);

        var sample = Assert.Single(result.Samples);
        Assert.Equal([new MetricValue("a", 1), new MetricValue("f", 3)], sample.Values);
        Assert.Equal(
            [RejectReason.WrongType, RejectReason.NonFiniteValue, RejectReason.InvalidMetricName, RejectReason.WrongType],
            Reasons(result));
        Assert.False(result.IsFatal);
    }

    [Fact]
    public void A_sample_whose_values_are_all_bad_reports_only_the_bad_values()
    {
        var result = Parse("{\"values\":{\"a\":\"x\",\"b\":1e999}}");

        Assert.Empty(result.Samples);
        Assert.Equal([RejectReason.WrongType, RejectReason.NonFiniteValue], Reasons(result));
    }

    [Fact]
    public void A_bad_timestamp_drops_its_sample_even_when_the_values_are_good()
    {
        var result = Parse("{\"values\":{\"a\":1},\"ts\":\"2026-11-24T12:00:00\"}");

        Assert.Empty(result.Samples);
        Assert.Equal([RejectReason.InvalidTimestamp], Reasons(result));
    }

    [Fact]
    public void Each_problem_carries_a_detail_for_the_dead_letter()
    {
        var result = Parse("[{\"values\":{\"a\":\"x\"}},{\"ts\":-1,\"values\":{\"a\":1}},{\"values\":{}}]");

        Assert.NotNull(result.Problems);
        Assert.All(result.Problems, p => Assert.False(string.IsNullOrWhiteSpace(p.Detail)));
    }

    // ---- segmented payloads ----

    [Theory]
    [InlineData("{\"ts\":1795521599123,\"values\":{\"ch4_lel\":12|.5,\"pressure_kpa\":310}}")]
    [InlineData("{\"ts\":1795521599123,\"values\":{\"ch4_lel\":12.5,\"pres|sure_kpa\":310}}")]
    [InlineData("{\"ts\":1795521599123,\"values\":{\"ch4_lel\":1|2.5,\"pressure|_kpa\":310}}")]
    [InlineData("{\"ts\":17955|21599123,\"values\":{\"ch4_lel\":12.5,\"pressure_kpa\":310}}")]
    [InlineData("{\"t|s\":1795521599123,\"val|ues\":{\"ch4_lel\":12.5,\"pressure_kpa\":3|10}}")]
    [InlineData("{\"ts\":\"2026-11-24T19:59|:59.123+08:00\",\"values\":{\"ch4_lel\":12.5,\"pressure_kpa\":310}}")]
    [InlineData("{\"ts\":\"2026-11-24T11:59:59.123Z|\",\"values\":{\"ch4_lel\":12.5,\"pressure_kpa\":310}}")]
    [InlineData("[{\"ts\":1795521599123,\"values\":{\"ch4_lel\":12.5,\"pressure_kpa\":310}}|,{\"values\":{\"ch4_lel\":-1|e2}}]")]
    [InlineData("{\"ts\":1795521599123,\"values\":{\"ch4\\u00|5flel\":12.5,\"pressure_kpa\":310}}")]
    [InlineData("{\"ts\":1795521599123,\"values\":{\"ch4_lel\":1e9|99,\"pressure_kpa\":\"3|10\"}}")]
    public void A_payload_split_across_segments_parses_like_the_contiguous_payload(string payloadWithCuts)
    {
        var contiguous = Parse(payloadWithCuts.Replace("|", "", StringComparison.Ordinal));

        var segmented = _parser.Parse(Payloads.SplitAtMarkers(payloadWithCuts), ReceivedAt, MaxFutureSkew);

        Assert.False(Payloads.SplitAtMarkers(payloadWithCuts).IsSingleSegment);
        Assert.Equal(Payloads.Describe(contiguous), Payloads.Describe(segmented));
    }

    [Theory]
    [InlineData("{\"ts\":1795521599123,\"values\":{\"ch4_lel\":12.5,\"pressure_kpa\":310}}")]
    [InlineData("{\"ts\":\"2026-11-24T19:59:59.123+08:00\",\"values\":{\"ch4_lel\":-1.25e1,\"pressure_kpa\":310}}")]
    [InlineData("[{\"ts\":\"2026-11-24T11:59:59Z\",\"values\":{\"a\":1}},{\"values\":{\"b\":\"x\",\"c\":2}},{\"ts\":\"nope\",\"values\":{\"d\":3}}]")]
    public void Every_split_point_parses_like_the_contiguous_payload(string payload)
    {
        var bytes = Encoding.UTF8.GetBytes(payload);
        var expected = Payloads.Describe(Parse(payload));

        for (var cut = 1; cut < bytes.Length; cut++)
        {
            var segmented = _parser.Parse(Payloads.Segmented(bytes, cut), ReceivedAt, MaxFutureSkew);

            Assert.True(expected.SequenceEqual(Payloads.Describe(segmented)), $"differs when cut at byte {cut}: {payload[..cut]} | {payload[cut..]}");
        }
    }

    [Fact]
    public void A_payload_of_one_byte_per_segment_parses_like_the_contiguous_payload()
    {
        var payload = "[{\"ts\":\"2026-11-24T19:59:59.123+08:00\",\"values\":{\"ch4_lel\":12.5}},{\"ts\":1795521599123,\"values\":{\"pressure_kpa\":310}}]";
        var bytes = Encoding.UTF8.GetBytes(payload);

        var segmented = _parser.Parse(Payloads.Segmented(bytes, [.. Enumerable.Range(1, bytes.Length - 1)]), ReceivedAt, MaxFutureSkew);

        Assert.Equal(Payloads.Describe(Parse(payload)), Payloads.Describe(segmented));
        Assert.Equal(2, segmented.Samples.Length);
    }

    // ---- results are independent ----

    [Fact]
    public void A_result_is_not_changed_by_later_parses_on_the_same_thread()
    {
        var first = Parse("[{\"values\":{\"a\":1}},{\"values\":{\"b\":2}}]");
        var firstPicture = Payloads.Describe(first);

        Parse("[{\"values\":{\"c\":3}},{\"values\":{\"d\":4}},{\"values\":{\"e\":5}}]");
        Parse("{\"values\":{}}");

        Assert.Equal(firstPicture, Payloads.Describe(first));
    }

    [Fact]
    public void A_good_message_reports_no_problem_list_at_all()
    {
        var result = Parse("{\"values\":{\"a\":1}}");

        Assert.Null(result.Problems);
        Assert.False(result.IsFatal);
    }

    private TelemetryParseResult Parse(string payload) => _parser.Parse(Payloads.Of(payload), ReceivedAt, MaxFutureSkew);

    private static RejectReason[] Reasons(TelemetryParseResult result) =>
        result.Problems?.Select(p => p.Reason).ToArray() ?? [];
}
