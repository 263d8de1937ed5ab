using System.Buffers;
using System.Text;
using RiskMonitor.Ingestion.Parsing;

namespace RiskMonitor.Ingestion.Tests.Parsing;

/// <summary>The drill channel's envelope (decision 0042): a drill id and the ordinary telemetry or event payload.</summary>
public sealed class DrillEnvelopeParserTests
{
    private static bool TryParse(string json, out string drillId, out DrillContent content, out string inner, out ParseProblem problem)
    {
        var ok = DrillEnvelopeParser.TryParse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)), out drillId, out content, out var body, out problem);
        inner = Encoding.UTF8.GetString(body.ToArray());
        return ok;
    }

    [Fact]
    public void A_telemetry_inject_hands_on_its_drill_and_the_telemetry_payload()
    {
        Assert.True(TryParse("""{"drill": "DR-20261206-ABC234", "telemetry": {"ts": 1795521599123, "values": {"ch4_lel": 70}}}""",
            out var drill, out var content, out var inner, out _));

        Assert.Equal("DR-20261206-ABC234", drill);
        Assert.Equal(DrillContent.Telemetry, content);
        Assert.Equal("""{"ts": 1795521599123, "values": {"ch4_lel": 70}}""", inner);
    }

    [Fact]
    public void An_event_inject_hands_on_the_event_payload()
    {
        Assert.True(TryParse("""{"event": {"code": "entrapment"}, "drill": "DR-1"}""", out _, out var content, out var inner, out _));

        Assert.Equal(DrillContent.Event, content);
        Assert.Equal("""{"code": "entrapment"}""", inner);
    }

    [Theory]
    [InlineData("""{"telemetry": {"values": {"ch4_lel": 70}}}""")]
    [InlineData("""{"drill": "", "telemetry": {"values": {"ch4_lel": 70}}}""")]
    [InlineData("""{"drill": "DR!1", "telemetry": {"values": {"ch4_lel": 70}}}""")]
    [InlineData("""{"drill": 7, "telemetry": {"values": {"ch4_lel": 70}}}""")]
    [InlineData("""{"drill": "DR-1"}""")]
    [InlineData("""{"drill": "DR-1", "telemetry": {}, "event": {}}""")]
    [InlineData("""["DR-1"]""")]
    public void An_envelope_without_a_valid_drill_or_with_neither_or_both_payloads_is_refused(string json)
    {
        Assert.False(TryParse(json, out _, out _, out _, out var problem));
        Assert.Equal(RejectReason.InvalidDrill, problem.Reason);
    }

    [Fact]
    public void Broken_json_is_refused_as_such()
    {
        Assert.False(TryParse("""{"drill": "DR-1", "telemetry": """, out _, out _, out _, out var problem));
        Assert.Equal(RejectReason.InvalidJson, problem.Reason);
    }

    [Fact]
    public void The_drill_channel_is_a_topic_of_its_own()
    {
        Assert.True(TopicParser.TryParse("rm/v1/gp-1/drill", out _, out var channel, out _));
        Assert.Equal(Channel.Drill, channel);
    }
}
