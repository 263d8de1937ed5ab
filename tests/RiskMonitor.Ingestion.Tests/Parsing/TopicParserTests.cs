using System.Collections.Frozen;
using RiskMonitor.Domain.Devices;
using RiskMonitor.Ingestion.Parsing;

namespace RiskMonitor.Ingestion.Tests.Parsing;

public sealed class TopicParserTests
{
    [Theory]
    [InlineData("rm/v1/gas-pipe-0042/telemetry", "gas-pipe-0042", Channel.Telemetry)]
    [InlineData("rm/v1/lift_07/event", "lift_07", Channel.Event)]
    [InlineData("rm/v1/Bridge.North.3/status", "Bridge.North.3", Channel.Status)]
    [InlineData("rm/v1/HZ-TRUCK-9/position", "HZ-TRUCK-9", Channel.Position)]
    [InlineData("rm/v1/a/telemetry", "a", Channel.Telemetry)]
    public void A_v1_topic_yields_its_asset_id_and_channel(string topic, string expectedAssetId, Channel expectedChannel)
    {
        var ok = TopicParser.TryParse(topic, out var assetId, out var channel, out _);

        Assert.True(ok);
        Assert.Equal(expectedAssetId, topic[assetId]);
        Assert.Equal(expectedChannel, channel);
    }

    [Theory]
    [InlineData(Topics.Telemetry, Channel.Telemetry)]
    [InlineData(Topics.Event, Channel.Event)]
    [InlineData(Topics.Status, Channel.Status)]
    [InlineData(Topics.Position, Channel.Position)]
    [InlineData(Topics.Drill, Channel.Drill)]
    public void The_topic_contract_the_parser_the_device_acl_and_the_shared_subscription_agree(string name, Channel expected)
    {
        var topic = Topics.For("gp-0001", name);

        Assert.True(TopicParser.TryParse(topic, out var assetId, out var channel, out _));
        Assert.Equal(("gp-0001", expected), (topic[assetId], channel));
        Assert.Equal(AclVerdict.Allowed, DeviceAcl.CanPublish(topic, FrozenSet.Create(StringComparer.Ordinal, "gp-0001")));
        Assert.Equal(AclVerdict.NotOwnAsset, DeviceAcl.CanPublish(topic, FrozenSet.Create(StringComparer.Ordinal, "gp-0002")));
        Assert.Equal("$share/riskmonitor/" + Topics.AllFilter, Topics.SharedFilter("riskmonitor"));
        Assert.StartsWith(Topics.Prefix, Topics.AllFilter, StringComparison.Ordinal);
    }

    [Fact]
    public void The_position_channel_is_recognised_as_position()
    {
        var ok = TopicParser.TryParse("rm/v1/hazmat-17/position", out _, out var channel, out var reason);

        Assert.True(ok);
        Assert.Equal(Channel.Position, channel);
        Assert.Equal(default, reason);
    }

    [Fact]
    public void An_asset_id_of_exactly_64_characters_is_accepted()
    {
        var id = new string('x', 64);
        var topic = $"rm/v1/{id}/telemetry";

        var ok = TopicParser.TryParse(topic, out var assetId, out _, out _);

        Assert.True(ok);
        Assert.Equal(id, topic[assetId]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("rm")]
    [InlineData("rm/v1")]
    [InlineData("rm/v1/")]
    [InlineData("rm/v2/gas-pipe-0042/telemetry")]
    [InlineData("rm/v0/gas-pipe-0042/telemetry")]
    [InlineData("RM/v1/gas-pipe-0042/telemetry")]
    [InlineData("rm/V1/gas-pipe-0042/telemetry")]
    [InlineData("/rm/v1/gas-pipe-0042/telemetry")]
    [InlineData("xx/v1/gas-pipe-0042/telemetry")]
    [InlineData("v1/gas-pipe-0042/telemetry")]
    [InlineData("gas-pipe-0042/telemetry")]
    public void A_topic_without_the_rm_v1_prefix_is_an_invalid_topic(string topic)
    {
        var ok = TopicParser.TryParse(topic, out _, out _, out var reason);

        Assert.False(ok);
        Assert.Equal(RejectReason.InvalidTopic, reason);
    }

    [Theory]
    [InlineData("rm/v1/gas-pipe-0042")]
    [InlineData("rm/v1/telemetry")]
    public void A_topic_without_a_channel_level_is_an_invalid_topic(string topic)
    {
        var ok = TopicParser.TryParse(topic, out _, out _, out var reason);

        Assert.False(ok);
        Assert.Equal(RejectReason.InvalidTopic, reason);
    }

    [Theory]
    [InlineData("rm/v1/gas-pipe-0042/telemetry/extra")]
    [InlineData("rm/v1/gas-pipe-0042/telemetry/")]
    [InlineData("rm/v1/site/gas-pipe-0042/telemetry")]
    [InlineData("rm/v1/gas-pipe-0042//telemetry")]
    [InlineData("rm/v1/a/b/c/d")]
    public void A_topic_with_an_extra_level_is_an_invalid_topic(string topic)
    {
        var ok = TopicParser.TryParse(topic, out _, out _, out var reason);

        Assert.False(ok);
        Assert.Equal(RejectReason.InvalidTopic, reason);
    }

    [Theory]
    [InlineData("rm/v1//telemetry")]
    [InlineData("rm/v1/gas pipe/telemetry")]
    [InlineData("rm/v1/gas+pipe/telemetry")]
    [InlineData("rm/v1/gas#pipe/telemetry")]
    [InlineData("rm/v1/+/telemetry")]
    [InlineData("rm/v1/#/telemetry")]
    [InlineData("rm/v1/gas:pipe/telemetry")]
    [InlineData("rm/v1/gas\\pipe/telemetry")]
    [InlineData("rm/v1/gas\tpipe/telemetry")]
    [InlineData("rm/v1/泵站-3/telemetry")]
    [InlineData("rm/v1/café/telemetry")]
    [InlineData("rm/v1/ｇａｓ/telemetry")]
    [InlineData("rm/v1/gas\u0000pipe/telemetry")]
    public void An_asset_id_with_characters_outside_the_allowed_set_is_an_invalid_asset_id(string topic)
    {
        var ok = TopicParser.TryParse(topic, out _, out _, out var reason);

        Assert.False(ok);
        Assert.Equal(RejectReason.InvalidAssetId, reason);
    }

    [Theory]
    [InlineData(65)]
    [InlineData(200)]
    public void An_asset_id_longer_than_64_characters_is_an_invalid_asset_id(int length)
    {
        var ok = TopicParser.TryParse($"rm/v1/{new string('x', length)}/telemetry", out _, out _, out var reason);

        Assert.False(ok);
        Assert.Equal(RejectReason.InvalidAssetId, reason);
    }

    [Theory]
    [InlineData("rm/v1/gas-pipe-0042/metrics")]
    [InlineData("rm/v1/gas-pipe-0042/Telemetry")]
    [InlineData("rm/v1/gas-pipe-0042/TELEMETRY")]
    [InlineData("rm/v1/gas-pipe-0042/telemetry ")]
    [InlineData("rm/v1/gas-pipe-0042/events")]
    [InlineData("rm/v1/gas-pipe-0042/+")]
    [InlineData("rm/v1/gas-pipe-0042/#")]
    [InlineData("rm/v1/gas-pipe-0042/")]
    public void A_channel_other_than_the_four_known_ones_is_an_unknown_channel(string topic)
    {
        var ok = TopicParser.TryParse(topic, out _, out _, out var reason);

        Assert.False(ok);
        Assert.Equal(RejectReason.UnknownChannel, reason);
    }

    [Fact]
    public void An_invalid_asset_id_is_reported_before_an_unknown_channel()
    {
        var ok = TopicParser.TryParse("rm/v1/bad id/metrics", out _, out _, out var reason);

        Assert.False(ok);
        Assert.Equal(RejectReason.InvalidAssetId, reason);
    }

    [Theory]
    [InlineData("A")]
    [InlineData("z9")]
    [InlineData("._-")]
    [InlineData("0123456789")]
    public void Asset_ids_of_letters_digits_dots_underscores_and_dashes_are_valid(string id)
    {
        Assert.True(TopicParser.IsValidAssetId(id));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("a b")]
    [InlineData("ä")]
    public void Other_asset_ids_are_not_valid(string id)
    {
        Assert.False(TopicParser.IsValidAssetId(id));
    }
}
