using System.Text.Json;

namespace RiskMonitor.TestSupport;

/// <summary>One series of an InfluxQL answer (times as epoch milliseconds).</summary>
public sealed record InfluxSeries(
    string Name,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<string> Columns,
    IReadOnlyList<IReadOnlyList<JsonElement>> Values)
{
    /// <summary>The column's values, one per row (e.g. <c>Column("time")</c>).</summary>
    public IReadOnlyList<JsonElement> Column(string name)
    {
        var index = Columns.ToList().IndexOf(name);
        if (index < 0)
        {
            throw new KeyNotFoundException($"Series '{Name}' has no column '{name}' (columns: {string.Join(", ", Columns)}).");
        }
        return [.. Values.Select(row => row[index])];
    }
}
