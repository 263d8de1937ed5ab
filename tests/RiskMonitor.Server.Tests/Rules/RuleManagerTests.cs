using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RiskMonitor.Server.Rules;
using RiskMonitor.Server.Tests.Fakes;
using RiskMonitor.Storage.Registry;
using RiskMonitor.Storage.Rules;

namespace RiskMonitor.Server.Tests.Rules;

/// <summary>
/// Rules as managed configuration in process (decision 0043): two nodes (two managers, each with its own rules in force)
/// over one in-memory store: the seed, a change in force at once, a stale base refused, a node behind catching up.
/// </summary>
public sealed class RuleManagerTests
{
    private const string RuleFile = """
        { "kinds": { "gas_pipeline": { "thresholds": [
            { "ruleId": "ch4_lel.high", "metric": "ch4_lel", "direction": "above", "levels": { "yellow": 10, "red": 50 } } ] } } }
        """;

    private const string LowerRed = """
        { "kinds": { "gas_pipeline": { "thresholds": [
            { "ruleId": "ch4_lel.high", "metric": "ch4_lel", "direction": "above", "levels": { "yellow": 10, "red": 20 } } ] } } }
        """;

    private readonly FakeTimeProvider _time = new(InMemoryPorts.T0);
    private readonly InMemoryPorts _ports = new(("gp-1", "r-east"), ("gp-2", "r-west"));
    private readonly InMemoryRuleStore _store = new();

    [Fact]
    public async Task An_empty_store_is_seeded_once_with_the_rule_file_and_every_node_puts_it_in_force()
    {
        var ct = TestContext.Current.CancellationToken;
        var (a, b) = (Node(), Node());

        var versions = await Task.WhenAll(a.SyncAsync(ct), b.SyncAsync(ct));

        Assert.Equal([1L, 1L], versions);
        var seed = Assert.Single(await _store.ListAsync(10, ct));
        Assert.Equal((RuleChangeAction.Seed, RuleManager.SeedAuthor, RuleFile), (seed.Action, seed.Author, seed.Document));
    }

    [Fact]
    public async Task A_change_on_the_newest_version_is_stored_as_the_next_and_is_in_force_here_at_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var node = Node();
        await node.SyncAsync(ct);

        var outcome = await ApplyAsync(node, baseVersion: 1, LowerRed, ct);

        Assert.Equal(2, outcome.Stored?.Version);
        Assert.Equal(["gp-1", "gp-2"], outcome.Affected.Select(c => c.AssetId).Order(StringComparer.Ordinal));
        Assert.Equal((2, 2, "zhang.min"), (outcome.Stored!.AffectedAssets, node.Catalog.Version, outcome.Stored.Author));
        Assert.Equal(LowerRed, node.Catalog.Document);
        Assert.Equal(InMemoryPorts.T0, outcome.Stored.CreatedAt);
    }

    [Fact]
    public async Task A_change_on_a_version_that_is_no_longer_the_newest_stores_nothing_and_names_the_newest()
    {
        var ct = TestContext.Current.CancellationToken;
        var (a, b) = (Node(), Node());
        await a.SyncAsync(ct);
        await ApplyAsync(a, baseVersion: 1, LowerRed, ct);

        var stale = await ApplyAsync(b, baseVersion: 1, RuleFile, ct);

        Assert.Null(stale.Stored);
        Assert.Equal(2, stale.CurrentVersion);
        Assert.Equal(2, await _store.CurrentVersionAsync(ct));
        Assert.Equal((2, LowerRed), (b.Catalog.Version, b.Catalog.Document)); // b caught up on the way
    }

    [Fact]
    public async Task A_node_a_poll_behind_catches_up_first_so_a_change_on_the_newest_version_is_accepted_there()
    {
        var ct = TestContext.Current.CancellationToken;
        var (a, b) = (Node(), Node());
        await Task.WhenAll(a.SyncAsync(ct), b.SyncAsync(ct));
        await ApplyAsync(a, baseVersion: 1, LowerRed, ct);

        var onB = await ApplyAsync(b, baseVersion: 2, RuleFile, ct);

        Assert.Equal(3, onB.Stored?.Version);
        Assert.Equal(3, await a.SyncAsync(ct));
        Assert.Equal(RuleFile, a.Catalog.Document);
    }

    [Theory]
    [InlineData(null, "Send the rule document")]
    [InlineData("""{ "kinds": { "a": { "extends": "a" } } }""", "'extends' forms a cycle (a -> a)")]
    public void A_document_that_does_not_parse_is_refused_with_where_and_why(string? document, string expected)
    {
        var (catalog, error) = RuleManager.Validate(document);

        Assert.Null(catalog);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    private RuleManager Node() => new(
        _store, new ManagedRuleCatalog(JsonRuleCatalog.Parse(RuleFile, "rules"), RuleFile), _ports, _time, NullLogger<RuleManager>.Instance);

    private static Task<RuleApplyOutcome> ApplyAsync(RuleManager node, long baseVersion, string document, CancellationToken ct) =>
        node.ApplyAsync(baseVersion, document, RuleManager.Validate(document).Catalog!, RuleChangeAction.Change, null, "zhang.min", "test", ct);
}
