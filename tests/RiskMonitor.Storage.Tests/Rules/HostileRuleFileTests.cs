using CsCheck;
using NetTopologySuite.Geometries;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Storage.Registry;
using RiskMonitor.Storage.Rules;

namespace RiskMonitor.Storage.Tests.Rules;

/// <summary>
/// Issue 11, hostile input: the rule file. A mutated file loads or is refused with a <see cref="RegistryException"/>;
/// and a file that loads never throws later, when a grain asks for an asset's rules.
/// </summary>
public sealed class HostileRuleFileTests
{
    private static readonly string RulesJson = File.ReadAllText(ShippedRuleFile.Path);

    [Fact]
    public void The_shipped_rule_file_loads()
    {
        Assert.Contains("gas_pipeline", JsonRuleCatalog.Parse(RulesJson, "rules.json").Kinds);
    }

    [Fact]
    public void A_mutated_rule_file_loads_or_is_refused_and_what_loads_answers_for_every_asset()
    {
        // The seed gets an asset override, so that mutations reach the per-asset part of the file too.
        var file = System.Text.Json.Nodes.JsonNode.Parse(RulesJson, documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!;
        file["assets"] = System.Text.Json.Nodes.JsonNode.Parse("""
            { "gp-0001": { "thresholds": [ { "ruleId": "ch4_lel.high", "metric": "ch4_lel", "direction": "above",
              "levels": { "red": 30 }, "clearRatio": 0.9 } ], "events": { "leak": { "level": "red" } } } }
            """);
        var seed = file.ToJsonString();
        Assert.NotNull(JsonRuleCatalog.Parse(seed, "seed"));

        JsonMutations.Of(seed).Sample(json =>
        {
            JsonRuleCatalog catalog;
            try
            {
                catalog = JsonRuleCatalog.Parse(json, "mutated");
            }
            catch (RegistryException ex)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                return;
            }

            foreach (var kind in catalog.Kinds.Append("unknown_kind"))
            {
                foreach (var id in new[] { "gp-0001", "other" })
                {
                    var rules = catalog.For(Asset(id, kind));
                    Assert.NotNull(rules);
                }
            }
        }, iter: 3000, print: j => j.Length > 3000 ? j[..3000] : j);
    }

    private static AssetDefinition Asset(string id, string kind) => new(
        id, kind, id, "gas", new Point(120.1, 30.2), RiskColour.Blue, null, null, null, "r-1", TimeSpan.FromSeconds(30));
}
