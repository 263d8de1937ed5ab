namespace RiskMonitor.Domain.Hazards;

public enum HazardStep
{
    Assign,
    StartRectifying,
    Rectified,
    Verify,
    RejectRectification,
}

/// <summary>
/// The hazard state machine. Assigning names the responsible unit and sets the deadline; a major hazard also needs its
/// supervising department (挂牌督办). Verification (销号) only follows a reported rectification with a complete plan (五到位); a verifier who finds
/// the work wanting sends it back to rectifying. A verified hazard is sealed.
/// </summary>
public static class HazardWorkflow
{
    /// <summary>The hazard after <paramref name="step"/>, or the reason it is refused.</summary>
    public static (Hazard? After, string? Refusal) Apply(
        Hazard hazard, HazardStep step, DateTimeOffset now, string? responsibleUnit = null, DateTimeOffset? deadline = null,
        string? supervisingDepartment = null)
    {
        ArgumentNullException.ThrowIfNull(hazard);
        switch (step)
        {
            case HazardStep.Assign when hazard.Status is HazardStatus.Reported or HazardStatus.Assigned:
                var unit = string.IsNullOrWhiteSpace(responsibleUnit) ? hazard.ResponsibleUnit : responsibleUnit.Trim();
                var due = deadline ?? hazard.Deadline;
                var department = string.IsNullOrWhiteSpace(supervisingDepartment) ? hazard.SupervisingDepartment : supervisingDepartment.Trim();
                if (unit is null || due is null)
                {
                    return (null, "Assigning names the responsible unit and a deadline.");
                }

                if (hazard.Level == HazardLevel.Major && department is null)
                {
                    return (null, "A major hazard is under listed supervision: name the supervising department.");
                }

                if (due <= now)
                {
                    return (null, "The deadline must lie in the future.");
                }

                return (hazard with
                {
                    Status = HazardStatus.Assigned,
                    ResponsibleUnit = unit,
                    Deadline = due,
                    SupervisingDepartment = department,
                    UpdatedAt = now,
                }, null);
            case HazardStep.StartRectifying when hazard.Status == HazardStatus.Assigned:
                return (hazard with { Status = HazardStatus.Rectifying, UpdatedAt = now }, null);
            case HazardStep.Rectified when hazard.Status == HazardStatus.Rectifying:
                return (hazard with { Status = HazardStatus.Rectified, UpdatedAt = now }, null);
            case HazardStep.Verify when hazard.Status == HazardStatus.Rectified:
                // 五到位: no sign-off on a rectification whose measures, responsibility, funds, time limit and
                // contingency plan are not all on record.
                if ((hazard.Plan?.Missing() ?? ["measures", "responsiblePerson", "fundsYuan", "completeBy", "contingencyPlan"]) is { Count: > 0 } missing)
                {
                    return (null, $"The rectification plan lacks {string.Join(", ", missing)} (五到位); record it before signing off.");
                }

                return (hazard with { Status = HazardStatus.Verified, UpdatedAt = now }, null);
            case HazardStep.RejectRectification when hazard.Status == HazardStatus.Rectified:
                return (hazard with { Status = HazardStatus.Rectifying, UpdatedAt = now }, null);
            default:
                return (null, $"{step} is not allowed while the hazard is {hazard.Status}.");
        }
    }
}
