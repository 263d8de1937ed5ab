using System.Collections.Frozen;
using RiskMonitor.Domain.Devices;

namespace RiskMonitor.Domain.Tests.Devices;

public sealed class DeviceAclTests
{
    private static readonly FrozenSet<string> Own = new[] { "gp-0001", "gp-0002" }.ToFrozenSet(StringComparer.Ordinal);

    [Theory]
    [InlineData("rm/v1/gp-0001/telemetry")]
    [InlineData("rm/v1/gp-0002/event")]
    [InlineData("rm/v1/gp-0002/status")]
    public void A_device_may_publish_under_its_own_assets(string topic)
    {
        Assert.Equal(AclVerdict.Allowed, DeviceAcl.CanPublish(topic, Own));
    }

    [Theory]
    [InlineData("rm/v1/gp-0003/telemetry")] // another asset
    [InlineData("rm/v1/gp-00011/telemetry")] // a prefix is not the asset
    [InlineData("rm/v1/GP-0001/telemetry")] // ids are case-sensitive
    [InlineData("rm/v1/gp-0001")] // no channel
    [InlineData("rm/v2/gp-0001/telemetry")]
    [InlineData("other/gp-0001/telemetry")]
    [InlineData("rm-sim/gateways/x/status")]
    [InlineData("")]
    [InlineData("rm/v1//telemetry")]
    public void Anything_else_is_refused(string topic)
    {
        Assert.Equal(AclVerdict.NotOwnAsset, DeviceAcl.CanPublish(topic, Own));
    }

    [Theory]
    [InlineData("gw-01", true)]
    [InlineData("rm-sim.gw_01", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("gw 01", false)]
    [InlineData("gw/01", false)]
    [InlineData("网关", false)]
    public void Device_ids_use_the_asset_id_alphabet(string? id, bool valid)
    {
        Assert.Equal(valid, DeviceIds.IsValid(id));
    }

    [Fact]
    public void Device_ids_are_at_most_64_characters()
    {
        Assert.True(DeviceIds.IsValid(new string('a', 64)));
        Assert.False(DeviceIds.IsValid(new string('a', 65)));
    }
}
