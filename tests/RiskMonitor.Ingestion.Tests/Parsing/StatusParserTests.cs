using System.Buffers;
using RiskMonitor.Ingestion.Parsing;

namespace RiskMonitor.Ingestion.Tests.Parsing;

public sealed class StatusParserTests
{
    [Theory]
    [InlineData("online", true)]
    [InlineData("offline", false)]
    [InlineData("ONLINE", true)]
    [InlineData("OFFLINE", false)]
    [InlineData("Online", true)]
    [InlineData("OffLine", false)]
    public void Online_and_offline_are_read_in_any_case(string payload, bool expectedOnline)
    {
        var ok = StatusParser.TryParse(Payloads.Of(payload), out var online);

        Assert.True(ok);
        Assert.Equal(expectedOnline, online);
    }

    [Theory]
    [InlineData("\"online\"", true)]
    [InlineData("\"offline\"", false)]
    [InlineData(" \"OFFLINE\" ", false)]
    public void A_status_sent_as_a_json_string_is_read(string payload, bool expectedOnline)
    {
        var ok = StatusParser.TryParse(Payloads.Of(payload), out var online);

        Assert.True(ok);
        Assert.Equal(expectedOnline, online);
    }

    [Theory]
    [InlineData(" online", true)]
    [InlineData("offline\n", false)]
    [InlineData("\r\n\tonline \r\n", true)]
    [InlineData("   offline   ", false)]
    public void Whitespace_around_a_status_is_ignored(string payload, bool expectedOnline)
    {
        var ok = StatusParser.TryParse(Payloads.Of(payload), out var online);

        Assert.True(ok);
        Assert.Equal(expectedOnline, online);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("on")]
    [InlineData("onlin")]
    [InlineData("onlinex")]
    [InlineData("on line")]
    [InlineData("up")]
    [InlineData("1")]
    [InlineData("true")]
    [InlineData("\"online")]
    [InlineData("online\"")]
    [InlineData("'online'")]
    [InlineData("\"\"online\"\"")]
    [InlineData("\"\"")]
    [InlineData("\"")]
    [InlineData("{\"status\":\"online\"}")]
    [InlineData("   ")]
    [InlineData("")]
    public void Anything_else_is_not_a_status(string payload)
    {
        var ok = StatusParser.TryParse(Payloads.Of(payload), out var online);

        Assert.False(ok);
        Assert.False(online);
    }

    [Theory]
    [InlineData("online                 ")]
    [InlineData("offline offline offline")]
    public void A_status_longer_than_sixteen_bytes_is_not_a_status(string payload)
    {
        var ok = StatusParser.TryParse(Payloads.Of(payload), out _);

        Assert.False(ok);
    }

    [Fact]
    public void A_large_payload_is_refused_without_reading_it_all()
    {
        var payload = new ReadOnlySequence<byte>(new byte[1024 * 1024]);

        var ok = StatusParser.TryParse(payload, out _);

        Assert.False(ok);
    }

    [Fact]
    public void Bytes_that_are_not_ascii_are_not_a_status()
    {
        var ok = StatusParser.TryParse(Payloads.Of([0xFF, 0x6F, 0x6E, 0xC3]), out _);

        Assert.False(ok);
    }

    [Fact]
    public void A_status_split_across_segments_is_read()
    {
        var ok = StatusParser.TryParse(Payloads.SplitAtMarkers("\"off|li|ne\""), out var online);

        Assert.True(ok);
        Assert.False(online);
    }
}
