namespace RiskMonitor.Domain.Hazards;

/// <summary>
/// The five elements of a rectification (整改五到位: 措施, 责任, 资金, 时限, 预案), as 《安全生产事故隐患排查治理暂行规定》
/// art. 15 asks of a treatment plan: what is done, who answers for it, the money set aside, by when, and the
/// contingency plan while the hazard stands. A hazard is not signed off (销号) until all five are on record.
/// </summary>
public sealed record RectificationPlan(
    string? Measures,
    string? ResponsiblePerson,
    decimal? FundsYuan,
    DateTimeOffset? CompleteBy,
    string? ContingencyPlan)
{
    /// <summary>The elements still missing, by their API name; empty when the plan is complete.</summary>
    public IReadOnlyList<string> Missing()
    {
        var missing = new List<string>(5);
        if (string.IsNullOrWhiteSpace(Measures))
        {
            missing.Add("measures");
        }

        if (string.IsNullOrWhiteSpace(ResponsiblePerson))
        {
            missing.Add("responsiblePerson");
        }

        // Zero is a real answer (the unit's own staff did it in an hour); a missing figure is not.
        if (FundsYuan is not >= 0)
        {
            missing.Add("fundsYuan");
        }

        if (CompleteBy is null)
        {
            missing.Add("completeBy");
        }

        if (string.IsNullOrWhiteSpace(ContingencyPlan))
        {
            missing.Add("contingencyPlan");
        }

        return missing;
    }

    public bool IsComplete => Missing().Count == 0;
}
