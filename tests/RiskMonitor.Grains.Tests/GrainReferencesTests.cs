using RiskMonitor.Contracts;
using RiskMonitor.Contracts.Assets;
using RiskMonitor.Contracts.Escalation;
using RiskMonitor.Contracts.Regions;
using RiskMonitor.Grains.Tests.Assets;

namespace RiskMonitor.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class GrainReferencesTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Cluster.Client;

    [Fact]
    public void A_cached_reference_is_made_once_and_is_the_grain_GetGrain_names()
    {
        var first = Grains.Cached<IAssetGrain>("ref-cache-1");
        var second = Grains.Cached<IAssetGrain>("ref-cache-1");

        Assert.Same(first, second);
        Assert.Equal(Grains.GetGrain<IAssetGrain>("ref-cache-1"), first);
        Assert.NotEqual(first, Grains.Cached<IAssetGrain>("ref-cache-2"));
    }

    [Fact]
    public void The_same_key_of_two_grain_interfaces_gives_two_grains()
    {
        var asset = Grains.Cached<IAssetGrain>("ref-cache-both");
        var region = Grains.Cached<IRegionGrain>("ref-cache-both");

        Assert.Equal(Grains.GetGrain<IRegionGrain>("ref-cache-both"), region);
        Assert.NotEqual(((GrainReference)asset).GrainId, ((GrainReference)region).GrainId);
        Assert.Same(Grains.Cached<IEscalationShardGrain>(7), Grains.Cached<IEscalationShardGrain>(7));
        Assert.Equal(Grains.GetGrain<IEscalationShardGrain>(7), Grains.Cached<IEscalationShardGrain>(7));
    }

    [Fact]
    public async Task A_cached_reference_calls_its_grain()
    {
        var view = await Grains.Cached<IAssetGrain>("gp-002").GetView();

        Assert.Equal("gp-002", view.AssetId);
    }
}
