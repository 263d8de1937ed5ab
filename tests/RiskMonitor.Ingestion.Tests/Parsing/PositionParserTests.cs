using System.Text;
using RiskMonitor.Contracts.Telemetry;
using RiskMonitor.Ingestion.Parsing;

namespace RiskMonitor.Ingestion.Tests.Parsing;

public sealed class PositionParserTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(5);

    [Fact]
    public void A_full_fix_is_read_with_its_time_position_speed_and_cargo()
    {
        var ok = TryParse("""{"ts": 1795521599123, "lon": 120.1, "lat": 30.2, "speedKmh": 42, "cargo": "UN1203"}""", out var position, out _);

        Assert.True(ok);
        Assert.Equal(new VehiclePosition(DateTimeOffset.FromUnixTimeMilliseconds(1795521599123), 120.1, 30.2, 42, "UN1203", ReceivedAt), position);
    }

    [Fact]
    public void Speed_cargo_and_time_are_optional_and_an_rfc3339_time_with_offset_is_taken()
    {
        Assert.True(TryParse("""{"lon": -0.1, "lat": 51.5}""", out var minimal, out _));
        Assert.True(TryParse("""{"ts": "2026-11-24T19:59:00.000+08:00", "lon": 120, "lat": 30, "speedKmh": null}""", out var local, out _));

        Assert.Equal(new VehiclePosition(ReceivedAt, -0.1, 51.5, null, null, ReceivedAt), minimal);
        Assert.Equal(ReceivedAt.AddMinutes(-1), local!.Timestamp);
    }

    [Theory]
    [InlineData("""{"lat": 30.2}""", RejectReason.InvalidPosition)]
    [InlineData("""{"lon": "120.1", "lat": 30.2}""", RejectReason.InvalidPosition)]
    [InlineData("""{"lon": 181, "lat": 30.2}""", RejectReason.InvalidPosition)]
    [InlineData("""{"lon": 120.1, "lat": -90.5}""", RejectReason.InvalidPosition)]
    [InlineData("""{"lon": 120.1, "lat": 1e999}""", RejectReason.InvalidPosition)]
    [InlineData("""{"lon": 120.1, "lat": 30.2, "speedKmh": -3}""", RejectReason.InvalidPosition)]
    [InlineData("""{"lon": 120.1, "lat": 30.2, "speedKmh": "fast"}""", RejectReason.InvalidPosition)]
    [InlineData("""{"lon": 120.1, "lat": 30.2, "cargo": 1203}""", RejectReason.InvalidPosition)]
    [InlineData("""{"lon": 120.1, "lat": 30.2, "cargo": "UN1203; DROP TABLE"}""", RejectReason.InvalidPosition)]
    [InlineData("""{"lon": 120.1, "lat": 30.2, "ts": "yesterday"}""", RejectReason.InvalidTimestamp)]
    [InlineData("""{"lon": 120.1, "lat": 30.2, "ts": 1795522000000}""", RejectReason.FutureTimestamp)]
    [InlineData("""[{"lon": 120.1, "lat": 30.2}]""", RejectReason.WrongType)]
    [InlineData("""{"lon": 120.1, "lat": """, RejectReason.InvalidJson)]
    [InlineData("""{"\uD800": 1, "lon": 120.1, "lat": 30.2}""", RejectReason.InvalidJson)]
    public void Bad_fixes_are_refused_with_their_reason(string payload, RejectReason expected)
    {
        var ok = TryParse(payload, out var position, out var problem);

        Assert.False(ok);
        Assert.Null(position);
        Assert.Equal(expected, problem.Reason);
        Assert.False(string.IsNullOrEmpty(problem.Detail));
    }

    [Fact]
    public void A_fix_split_across_segments_parses_the_same()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"lon": 120.1, "lat": 30.2, "cargo": "UN1203"}""");

        var ok = PositionParser.TryParse(Payloads.Segmented(bytes, 5, 17, 30), ReceivedAt, MaxFutureSkew, out var position, out _);

        Assert.True(ok);
        Assert.Equal("UN1203", position!.Cargo);
    }

    private static bool TryParse(string payload, out VehiclePosition? position, out ParseProblem problem) =>
        PositionParser.TryParse(Payloads.Of(payload), ReceivedAt, MaxFutureSkew, out position, out problem);
}
