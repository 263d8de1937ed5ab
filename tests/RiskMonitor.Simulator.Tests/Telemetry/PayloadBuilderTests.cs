using System.Text;
using System.Text.Json;
using RiskMonitor.Simulator.Telemetry;

namespace RiskMonitor.Simulator.Tests.Telemetry;

public sealed class PayloadBuilderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public void A_reading_is_ts_in_unix_milliseconds_and_a_values_object()
    {
        var sample = new TelemetrySample(T0, new ChannelValues().Set("ch4_lel", 12.5).Set("pressure_kpa", 310));

        var json = Encoding.UTF8.GetString(PayloadBuilder.Telemetry(sample));

        Assert.Equal("""{"ts":1795521600123,"values":{"ch4_lel":12.5,"pressure_kpa":310}}""", json);
    }

    [Fact]
    public void A_batch_is_a_json_array_of_readings_oldest_first()
    {
        var samples = Enumerable.Range(0, 3)
            .Select(n => new TelemetrySample(T0.AddSeconds(n), new ChannelValues().Set("ch4_lel", n)))
            .ToList();

        using var document = JsonDocument.Parse(PayloadBuilder.TelemetryBatch(samples));

        Assert.Equal(JsonValueKind.Array, document.RootElement.ValueKind);
        Assert.Equal([0.0, 1, 2], document.RootElement.EnumerateArray().Select(e => e.GetProperty("values").GetProperty("ch4_lel").GetDouble()));
        Assert.Equal(T0.AddSeconds(2).ToUnixTimeMilliseconds(), document.RootElement[2].GetProperty("ts").GetInt64());
    }

    [Fact]
    public void An_event_carries_code_active_and_detail()
    {
        var json = Encoding.UTF8.GetString(PayloadBuilder.Event(T0, "entrapment", true, [new("floor", 7), new("passengers", 2)]));

        Assert.Equal("""{"ts":1795521600123,"code":"entrapment","active":true,"detail":{"floor":7,"passengers":2}}""", json);
    }
}
