namespace RiskMonitor.Domain.Hazards;

/// <summary>
/// The supervisor's acts on a hazard beside its workflow (docs/decisions/0038-hazard-supervision-and-tip-line.md):
/// re-grading with a reason, and recording the rectification plan (五到位). Pure: the caller passes the time.
/// </summary>
public static class HazardSupervision
{
    /// <summary>The hazard at <paramref name="level"/>, or the reason it is refused.</summary>
    public static (Hazard? After, string? Refusal) Regrade(
        Hazard hazard, HazardLevel level, string? reason, DateTimeOffset now, string? supervisingDepartment = null)
    {
        ArgumentNullException.ThrowIfNull(hazard);
        if (hazard.Status == HazardStatus.Verified)
        {
            return (null, "A verified hazard is sealed; it cannot be re-graded.");
        }

        if (hazard.Level == level)
        {
            return (null, $"The hazard is already {level}.");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            return (null, "A re-grade gives its reason: the finding that makes the hazard more (or less) serious.");
        }

        var department = string.IsNullOrWhiteSpace(supervisingDepartment) ? hazard.SupervisingDepartment : supervisingDepartment.Trim();

        // Once assigned, a major hazard is under listed supervision at once (挂牌督办): it needs its supervising body
        // now, not at the next assignment. A hazard still only reported gets it when it is assigned.
        if (level == HazardLevel.Major && hazard.Status != HazardStatus.Reported && department is null)
        {
            return (null, "A major hazard is under listed supervision: name the supervising department.");
        }

        return (hazard with
        {
            Level = level,
            SupervisingDepartment = department,
            UpdatedAt = now,
        }, null);
    }

    /// <summary>The hazard with <paramref name="plan"/> recorded, or the reason it is refused. A plan may be filled in over several calls.</summary>
    public static (Hazard? After, string? Refusal) RecordPlan(Hazard hazard, RectificationPlan plan, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(hazard);
        ArgumentNullException.ThrowIfNull(plan);
        if (hazard.Status == HazardStatus.Verified)
        {
            return (null, "A verified hazard is sealed; its plan cannot change.");
        }

        if (plan.FundsYuan is < 0)
        {
            return (null, "Funds are a sum of money, zero or more.");
        }

        if (plan.CompleteBy is { } by && hazard.Deadline is { } deadline && by > deadline)
        {
            return (null, $"The plan's time limit lies after the hazard's deadline ({deadline:yyyy-MM-dd HH:mm}Z); ask for a new deadline first.");
        }

        // What is left out keeps what was recorded before, so the plan can be completed bit by bit.
        var before = hazard.Plan;
        var merged = new RectificationPlan(
            Keep(plan.Measures, before?.Measures), Keep(plan.ResponsiblePerson, before?.ResponsiblePerson),
            plan.FundsYuan ?? before?.FundsYuan, plan.CompleteBy ?? before?.CompleteBy, Keep(plan.ContingencyPlan, before?.ContingencyPlan));
        return merged == before ? (null, "The plan already says this.") : (hazard with { Plan = merged, UpdatedAt = now }, null);
    }

    private static string? Keep(string? given, string? before) => string.IsNullOrWhiteSpace(given) ? before : given.Trim();
}
