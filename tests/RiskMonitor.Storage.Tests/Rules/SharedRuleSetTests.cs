using NetTopologySuite.Geometries;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Storage.Rules;

namespace RiskMonitor.Storage.Tests.Rules;

/// <summary>
/// Assets that only state their own reporting interval share one rule set per kind and interval instead of a copy each
/// (issue 22: heap per active asset), with the same rules a copy had.
/// </summary>
public sealed class SharedRuleSetTests
{
    private static AssetDefinition Pipeline(string id, TimeSpan? interval) => new(
        id, "gas_pipeline", id, "gas", new Point(120.1, 30.2), RiskColour.Blue, null, null, null, "r-1", interval);

    [Fact]
    public void Assets_of_one_kind_and_interval_share_one_rule_set_that_carries_their_interval()
    {
        var catalog = JsonRuleCatalog.Load(ShippedRuleFile.Path);
        var kind = catalog.ForKind("gas_pipeline")!;

        var first = catalog.For(Pipeline("gp-1", TimeSpan.FromMinutes(10)));
        var second = catalog.For(Pipeline("gp-2", TimeSpan.FromMinutes(10)));
        var other = catalog.For(Pipeline("gp-3", TimeSpan.FromSeconds(30)));
        var plain = catalog.For(Pipeline("gp-4", null));

        Assert.Same(first, second);
        Assert.Equal(kind with { Offline = kind.Offline with { ReportingInterval = TimeSpan.FromMinutes(10) } }, first);
        Assert.Equal(TimeSpan.FromSeconds(30), other.Offline.ReportingInterval);
        Assert.NotSame(first, other);
        Assert.Same(kind, plain);
    }
}
