using System.Collections.Immutable;
using System.Text;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Storage.Influx;

namespace RiskMonitor.Storage.Tests.Influx;

public sealed class LineProtocolTests
{
    [Fact]
    public void A_reading_becomes_one_line_with_asset_kind_and_region_tags_and_a_field_per_metric()
    {
        var reading = Readings.Methane("gp-0001", "grid-7", Readings.T0.AddMilliseconds(123), lel: 12.5, pressureKpa: 310);

        var line = LineProtocol.Encode(reading, "telemetry");

        Assert.Equal("telemetry,asset=gp-0001,kind=gas_pipeline,region=grid-7 ch4_lel=12.5,pressure_kpa=310 1795521600123", line);
    }

    [Fact]
    public void Spaces_commas_and_equals_signs_in_tag_values_are_escaped()
    {
        var reading = Readings.Methane("gp=1", "grid 7,east", Readings.T0, lel: 1, pressureKpa: 2);

        var line = LineProtocol.Encode(reading, "telemetry");

        Assert.StartsWith(@"telemetry,asset=gp\=1,kind=gas_pipeline,region=grid\ 7\,east ch4_lel=1,", line);
    }

    [Fact]
    public void Non_finite_values_are_left_out_and_a_reading_with_nothing_else_is_skipped()
    {
        var mixed = new ReadingPoint("gp-1", "gas_pipeline", "grid-1", Readings.T0,
            ImmutableArray.Create(new MetricValue("ch4_lel", double.NaN), new MetricValue("flow", 3.25)));
        var nothing = new ReadingPoint("gp-1", "gas_pipeline", "grid-1", Readings.T0,
            ImmutableArray.Create(new MetricValue("ch4_lel", double.PositiveInfinity)));

        var mixedLine = LineProtocol.Encode(mixed, "telemetry");
        var nothingLine = LineProtocol.Encode(nothing, "telemetry");

        Assert.Contains(" flow=3.25 ", mixedLine);
        Assert.DoesNotContain("ch4_lel", mixedLine);
        Assert.Null(nothingLine);
    }

    [Fact]
    public void An_empty_region_is_left_out_rather_than_written_as_an_empty_tag()
    {
        var reading = Readings.Methane("gp-1", "", Readings.T0, lel: 1, pressureKpa: 2);

        var line = LineProtocol.Encode(reading, "telemetry");

        Assert.StartsWith("telemetry,asset=gp-1,kind=gas_pipeline ch4_lel=1,", line);
    }

    [Fact]
    public void A_reading_without_values_is_skipped()
    {
        var reading = new ReadingPoint("gp-1", "gas_pipeline", "grid-1", Readings.T0, default);

        var line = LineProtocol.Encode(reading, "telemetry");

        Assert.Null(line);
    }

    [Fact]
    public void The_direct_encoding_writes_exactly_what_PointData_writes_for_every_shape_of_reading()
    {
        // Encode skips PointData for readings that need no escaping (docs/benchmarks.md); this holds it to the same
        // bytes: key order, double formatting, empty tags, non-finite and repeated fields, and the escaping fallback.
        var random = new Random(20261125);
        string[] names = ["gp-0001", "lp-0000123", "grid-7", "gp=1", "grid 7,east", "", "tab\there", "电梯-1", "a\nb", "back\\slash"];
        string[] metrics = ["ch4_lel", "pressure_kpa", "flow", "b", "a", "Z", "_x", "x.y", "with space", "k=v", "", "ch4_lel"];
        double[] specials = [0, -0.0, 0.1, 12.5, 310, 1e21, 1e-7, 5e-324, double.MaxValue, -42.125, 1.0 / 3,
            double.NaN, double.PositiveInfinity, double.NegativeInfinity];

        for (var i = 0; i < 20_000; i++)
        {
            var values = ImmutableArray.CreateBuilder<MetricValue>();
            for (var j = random.Next(1, 6); j > 0; j--)
            {
                var value = random.Next(3) == 0 ? specials[random.Next(specials.Length)] : (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-6, 9));
                values.Add(new MetricValue(metrics[random.Next(metrics.Length)], value));
            }

            var reading = new ReadingPoint(
                names[random.Next(names.Length)], random.Next(5) == 0 ? "gas pipeline" : "gas_pipeline", names[random.Next(names.Length)],
                Readings.T0.AddMilliseconds(random.Next()), values.ToImmutable());
            var measurement = random.Next(10) == 0 ? "tele metry" : "telemetry";

            Assert.Equal(LineProtocol.EncodeWithPointData(reading, measurement), LineProtocol.Encode(reading, measurement));
        }
    }

    [Fact]
    public void A_batch_body_is_newline_separated_utf8_and_survives_gzip()
    {
        string[] lines = ["telemetry,asset=电梯-1 value=1 1", "telemetry,asset=b value=2 2"];

        var body = LineProtocol.ToBody(lines);
        var roundTrip = LineProtocol.Gunzip(LineProtocol.Gzip(body));

        Assert.Equal("telemetry,asset=电梯-1 value=1 1\ntelemetry,asset=b value=2 2\n", Encoding.UTF8.GetString(roundTrip));
    }
}
