namespace RiskMonitor.Domain.Hazards;

/// <summary>
/// Sorts a 12350 tip to the department responsible for its category (gas to the gas regulator, lifts to market
/// supervision, ...), from a table an operator configures. A category the table does not know goes to the fallback
/// (the duty room), which sorts it by hand: a tip is never dropped for a missing row.
/// </summary>
public sealed class TipRouting(IReadOnlyDictionary<string, string> departments, string fallback)
{
    public string Fallback { get; } = string.IsNullOrWhiteSpace(fallback) ? throw new ArgumentException("A fallback department is required.", nameof(fallback)) : fallback;

    /// <summary>The department for <paramref name="category"/> (case-insensitive), or <see cref="Fallback"/>.</summary>
    public string DepartmentFor(string? category)
    {
        ArgumentNullException.ThrowIfNull(departments);
        if (string.IsNullOrWhiteSpace(category))
        {
            return Fallback;
        }

        foreach (var (known, department) in departments)
        {
            if (string.Equals(known, category.Trim(), StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(department))
            {
                return department;
            }
        }

        return Fallback;
    }
}
