using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;

namespace RiskMonitor.Storage.Tests;

/// <summary>
/// Hostile variants of a good JSON file for CsCheck: a node replaced by any JSON value, a node removed, an array item
/// duplicated, or the text cut short. Structure-aware, so the mutations reach the loaders' validation rather than
/// stopping at the JSON reader.
/// </summary>
internal static class JsonMutations
{
    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static Gen<string> AnyJson(int depth)
    {
        var scalar = Gen.OneOf(
            Gen.OneOf("null", "true", "false", "0", "-1", "1e308", "\"\"", "\"red\"", "\"purple\"", "\"Polygon\"", "\"Point\"",
                "\"gas_pipeline\"", "[]", "{}", "[[]]", "[[[1,2]]]", "\"c-demo\"", "\"above\"", "\"NaN\""),
            Gen.Double.Where(double.IsFinite).Select(d => d.ToString("R", CultureInfo.InvariantCulture)),
            Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture)),
            Gen.String[0, 70].Select(s => JsonSerializer.Serialize(s)));
        if (depth == 0)
        {
            return scalar;
        }

        var child = AnyJson(depth - 1);
        var key = Gen.OneOf(Gen.OneOf("id", "type", "geometry", "coordinates", "properties", "level", "parentId", "kind", "levels", "metric"), Gen.String[0, 8]);
        return Gen.Frequency(
            (4, scalar),
            (1, Gen.Select(key, child).Array[0, 4].Select(m =>
                "{" + string.Join(',', m.DistinctBy(p => p.Item1).Select(p => JsonSerializer.Serialize(p.Item1) + ":" + p.Item2)) + "}")),
            (1, child.Array[0, 4].Select(items => "[" + string.Join(',', items) + "]")));
    }

    /// <summary>1 to 3 mutations of <paramref name="json"/>; the result may or may not be valid JSON.</summary>
    public static Gen<string> Of(string json) =>
        Gen.Select(Gen.Int[0, int.MaxValue].Array[1, 3], Gen.Int[0, 9].Array[3], AnyJson(2).Array[3], (targets, kinds, replacements) =>
        {
            var root = JsonNode.Parse(json, documentOptions: Lenient)!;
            for (var i = 0; i < targets.Length; i++)
            {
                var nodes = Flatten(root).ToList();
                var node = nodes[targets[i] % nodes.Count];
                switch (kinds[i])
                {
                    case <= 4: // replace the value
                        Replace(node, JsonNode.Parse(replacements[i]));
                        break;
                    case <= 6 when node.Parent is not null: // remove it
                        Remove(node);
                        break;
                    case 7 when node.Parent is JsonArray array: // duplicate it
                        array.Add(node.DeepClone());
                        break;
                    default: // cut the text short: invalid JSON
                        var text = root.ToJsonString();
                        return text[..(targets[i] % Math.Max(1, text.Length))];
                }
            }

            return root.ToJsonString();
        });

    private static IEnumerable<JsonNode> Flatten(JsonNode node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>().ToList())
        {
            foreach (var descendant in Flatten(child))
            {
                yield return descendant;
            }
        }
    }

    private static void Replace(JsonNode node, JsonNode? replacement)
    {
        switch (node.Parent)
        {
            case JsonObject o:
                o[node.GetPropertyName()] = replacement;
                break;
            case JsonArray a:
                a[node.GetElementIndex()] = replacement;
                break;
        }
    }

    private static void Remove(JsonNode node)
    {
        switch (node.Parent)
        {
            case JsonObject o:
                o.Remove(node.GetPropertyName());
                break;
            case JsonArray a:
                a.RemoveAt(node.GetElementIndex());
                break;
        }
    }
}
