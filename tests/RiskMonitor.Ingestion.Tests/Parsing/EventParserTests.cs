using RiskMonitor.Contracts.Telemetry;
using RiskMonitor.Ingestion.Parsing;

namespace RiskMonitor.Ingestion.Tests.Parsing;

public sealed class EventParserTests
{
    // 2026-11-24T12:00:00Z is 1795521600000 unix ms.
    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(5);

    [Fact]
    public void A_full_event_is_read_with_its_time_code_state_and_detail()
    {
        var ok = TryParse(
            """{"ts": 1795521599123, "code": "entrapment", "active": true, "detail": {"floor": 3}}""",
            out var deviceEvent, out _);

        Assert.True(ok);
        Assert.NotNull(deviceEvent);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1795521599123), deviceEvent.Timestamp);
        Assert.Equal("entrapment", deviceEvent.Code);
        Assert.True(deviceEvent.Active);
        Assert.Equal("""{"floor": 3}""", deviceEvent.DetailJson);
        Assert.Equal(ReceivedAt, deviceEvent.ReceivedAt);
    }

    [Fact]
    public void An_event_with_active_false_clears()
    {
        var ok = TryParse("""{"code": "entrapment", "active": false}""", out var deviceEvent, out _);

        Assert.True(ok);
        Assert.False(deviceEvent!.Active);
    }

    [Fact]
    public void An_event_without_active_is_a_raise()
    {
        var ok = TryParse("""{"code": "door_fault"}""", out var deviceEvent, out _);

        Assert.True(ok);
        Assert.True(deviceEvent!.Active);
    }

    [Fact]
    public void An_event_without_a_timestamp_takes_the_server_receive_time()
    {
        var ok = TryParse("""{"code": "door_fault"}""", out var deviceEvent, out _);

        Assert.True(ok);
        Assert.Equal(ReceivedAt, deviceEvent!.Timestamp);
    }

    [Fact]
    public void An_event_without_detail_has_no_detail_json()
    {
        TryParse("""{"code": "door_fault"}""", out var deviceEvent, out _);

        Assert.Null(deviceEvent!.DetailJson);
    }

    [Theory]
    [InlineData("""{"floor": 3, "doors": ["front", "rear"], "nested": {"ok": false, "v": 1.50}}""")]
    [InlineData("""[1, 2, 3]""")]
    [InlineData("""{ }""")]
    [InlineData("""  "stuck between floors"  """)]
    [InlineData("""42.0""")]
    [InlineData("""null""")]
    [InlineData("""{"text": "caf\u00e9 \"quoted\""}""")]
    public void Detail_is_kept_as_the_raw_json_the_device_sent(string detail)
    {
        var ok = TryParse($$"""{"code": "door_fault", "detail": {{detail}}}""", out var deviceEvent, out _);

        Assert.True(ok);
        Assert.Equal(detail.Trim(), deviceEvent!.DetailJson);
    }

    [Theory]
    [InlineData("2026-11-24T19:59:59.123+08:00")]
    [InlineData("2026-11-24T06:59:59.123-05:00")]
    [InlineData("2026-11-24T11:59:59.123Z")]
    public void An_rfc3339_timestamp_with_an_offset_is_converted_to_utc(string ts)
    {
        var ok = TryParse($$"""{"ts": "{{ts}}", "code": "entrapment"}""", out var deviceEvent, out _);

        Assert.True(ok);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 11, 59, 59, 123, TimeSpan.Zero), deviceEvent!.Timestamp);
        Assert.Equal(TimeSpan.Zero, deviceEvent.Timestamp.Offset);
    }

    [Theory]
    [InlineData("""{"active": true}""")]
    [InlineData("""{"ts": 1795521599123, "detail": {"code": "entrapment"}}""")]
    [InlineData("""{}""")]
    [InlineData("""{"code": null}""")]
    [InlineData("""{"code": 17}""")]
    [InlineData("""{"code": true}""")]
    [InlineData("""{"code": ["entrapment"]}""")]
    [InlineData("""{"code": {"name": "entrapment"}}""")]
    public void An_event_without_a_string_code_is_an_invalid_event(string payload)
    {
        var ok = TryParse(payload, out var deviceEvent, out var problem);

        Assert.False(ok);
        Assert.Null(deviceEvent);
        Assert.Equal(RejectReason.InvalidEvent, problem.Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Entrapment")]
    [InlineData("ENTRAPMENT")]
    [InlineData("door fault")]
    [InlineData("door-fault")]
    [InlineData("door.fault")]
    [InlineData(" entrapment")]
    [InlineData("entrapment\\n")]
    [InlineData("einklemmung_ü")]
    [InlineData("困人")]
    [InlineData("a/b")]
    public void An_event_code_outside_lowercase_letters_digits_and_underscores_is_an_invalid_event(string code)
    {
        var ok = TryParse($$"""{"code": "{{code}}"}""", out _, out var problem);

        Assert.False(ok);
        Assert.Equal(RejectReason.InvalidEvent, problem.Reason);
    }

    [Fact]
    public void An_event_code_of_65_characters_is_an_invalid_event_and_64_is_accepted()
    {
        var tooLong = TryParse($$"""{"code": "{{new string('e', 65)}}"}""", out _, out var problem);
        var longest = TryParse($$"""{"code": "{{new string('e', 64)}}"}""", out var deviceEvent, out _);

        Assert.False(tooLong);
        Assert.Equal(RejectReason.InvalidEvent, problem.Reason);
        Assert.True(longest);
        Assert.Equal(new string('e', 64), deviceEvent!.Code);
    }

    [Theory]
    [InlineData("\"true\"")]
    [InlineData("\"false\"")]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("[]")]
    public void An_active_flag_that_is_not_a_boolean_is_an_invalid_event(string active)
    {
        var ok = TryParse($$"""{"code": "entrapment", "active": {{active}}}""", out var deviceEvent, out var problem);

        Assert.False(ok);
        Assert.Null(deviceEvent);
        Assert.Equal(RejectReason.InvalidEvent, problem.Reason);
    }

    [Theory]
    [InlineData("\"2026-11-24T12:00:00\"")]
    [InlineData("\"yesterday\"")]
    [InlineData("\"1795521600000\"")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("1e999")]
    [InlineData("253402300800000")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("[1795521600000]")]
    public void An_event_with_a_bad_timestamp_is_an_invalid_timestamp(string ts)
    {
        var ok = TryParse($$"""{"ts": {{ts}}, "code": "entrapment"}""", out _, out var problem);

        Assert.False(ok);
        Assert.Equal(RejectReason.InvalidTimestamp, problem.Reason);
    }

    [Theory]
    [InlineData("1795521900001")]
    [InlineData("\"2026-11-24T20:05:00.001+08:00\"")]
    public void An_event_more_than_five_minutes_in_the_future_is_refused(string ts)
    {
        var ok = TryParse($$"""{"ts": {{ts}}, "code": "entrapment"}""", out _, out var problem);

        Assert.False(ok);
        Assert.Equal(RejectReason.FutureTimestamp, problem.Reason);
    }

    [Fact]
    public void An_event_exactly_five_minutes_in_the_future_is_accepted()
    {
        var ok = TryParse("""{"ts": 1795521900000, "code": "entrapment"}""", out var deviceEvent, out _);

        Assert.True(ok);
        Assert.Equal(ReceivedAt.AddMinutes(5), deviceEvent!.Timestamp);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("{\"code\": \"entrapment\"")]
    [InlineData("{\"code\": \"entrapment\"} trailing")]
    [InlineData("{\"code\": \"entrapment\", \"level\": NaN}")]
    [InlineData("{'code': 'entrapment'}")]
    [InlineData("{\"code\": \"entrapment\",}")]
    public void Malformed_json_is_an_invalid_json_event(string payload)
    {
        var ok = TryParse(payload, out _, out var problem);

        Assert.False(ok);
        Assert.Equal(RejectReason.InvalidJson, problem.Reason);
    }

    [Theory]
    [InlineData("[{\"code\": \"entrapment\"}]")]
    [InlineData("\"entrapment\"")]
    [InlineData("42")]
    [InlineData("null")]
    public void An_event_that_is_not_a_json_object_is_a_wrong_type(string payload)
    {
        var ok = TryParse(payload, out _, out var problem);

        Assert.False(ok);
        Assert.Equal(RejectReason.WrongType, problem.Reason);
    }

    [Fact]
    public void Unknown_members_of_an_event_are_ignored()
    {
        var ok = TryParse("""{"seq": 9, "code": "entrapment", "fw": {"v": "2"}, "active": true}""", out var deviceEvent, out _);

        Assert.True(ok);
        Assert.Equal("entrapment", deviceEvent!.Code);
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_refused_without_throwing()
    {
        byte[][] payloads =
        [
            [.. "{\"code\": \""u8, 0xFF, 0xFE, .. "\"}"u8],
            [.. "{\"code\": \"entrapment\", \"detail\": \""u8, 0xC3, 0x28, .. "\"}"u8],
            [.. "{\"code\": \"entrapment\", \"ts\": \"2026-11-24T11:59:59"u8, 0xFF, .. "Z\"}"u8],
            [.. "{\""u8, 0xFF, .. "\": 1, \"code\": \"entrapment\"}"u8],
        ];

        foreach (var payload in payloads)
        {
            var ok = EventParser.TryParse(Payloads.Of(payload), ReceivedAt, MaxFutureSkew, out _, out var problem);

            Assert.False(ok);
            Assert.Equal(RejectReason.InvalidJson, problem.Reason);
        }
    }

    [Theory]
    [InlineData("\\uD800")]
    [InlineData("door\\uDC00fault")]
    public void An_event_code_with_an_escaped_lone_surrogate_is_an_invalid_event(string code)
    {
        var ok = TryParse($$"""{"code": "{{code}}"}""", out _, out var problem);

        Assert.False(ok);
        Assert.Equal(RejectReason.InvalidEvent, problem.Reason);
    }

    [Fact]
    public void An_event_timestamp_with_an_escaped_lone_surrogate_is_an_invalid_timestamp()
    {
        var ok = TryParse("""{"code": "entrapment", "ts": "2026-11-24T11:59:59\uD800Z"}""", out _, out var problem);

        Assert.False(ok);
        Assert.Equal(RejectReason.InvalidTimestamp, problem.Reason);
    }

    [Fact]
    public void Escaped_lone_surrogates_inside_detail_are_kept_as_sent()
    {
        var ok = TryParse("""{"code": "entrapment", "detail": {"\uD800": "\uDC00"}}""", out var deviceEvent, out _);

        Assert.True(ok);
        Assert.Equal("""{"\uD800": "\uDC00"}""", deviceEvent!.DetailJson);
    }

    [Theory]
    [InlineData("""{"c\uD800ode": "door_fault", "active": false}""")]
    [InlineData("""{"code": "door_fault", "\uD800active": false}""")]
    public void A_member_name_with_an_escaped_lone_surrogate_is_refused_without_throwing(string payload)
    {
        var ok = TryParse(payload, out var deviceEvent, out var problem);

        Assert.False(ok);
        Assert.Null(deviceEvent);
        Assert.Equal(RejectReason.InvalidJson, problem.Reason);
    }

    [Fact]
    public void An_event_split_across_segments_parses_like_the_contiguous_event()
    {
        var payload = """{"ts": "2026-11-24T19:59:59.123+08:00", "code": "entrapment", "active": false, "detail": {"floor": 3}}""";
        var bytes = System.Text.Encoding.UTF8.GetBytes(payload);
        TryParse(payload, out var expected, out _);

        for (var cut = 1; cut < bytes.Length; cut++)
        {
            var ok = EventParser.TryParse(Payloads.Segmented(bytes, cut), ReceivedAt, MaxFutureSkew, out var deviceEvent, out _);

            Assert.True(ok, $"refused when cut at byte {cut}");
            Assert.Equal(expected, deviceEvent);
        }
    }

    private static bool TryParse(string payload, out DeviceEvent? deviceEvent, out ParseProblem problem) =>
        EventParser.TryParse(Payloads.Of(payload), ReceivedAt, MaxFutureSkew, out deviceEvent, out problem);
}
