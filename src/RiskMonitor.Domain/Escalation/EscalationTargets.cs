namespace RiskMonitor.Domain.Escalation;

/// <summary>Who an escalation step reaches.</summary>
public enum RecipientKind
{
    /// <summary>The supervisor of a region up the grid (网格员 and the levels above, 实名制).</summary>
    RegionSupervisor,

    /// <summary>The on-duty officer of the 24 h duty roster (值班员).</summary>
    DutyOfficer,

    /// <summary>The leader on duty (带班领导).</summary>
    DutyLeader,

    /// <summary>A party answerable for the asset: owner unit, maintenance unit, 包保 person (issue 20, docs/rules.md).</summary>
    ResponsibleParty,

    /// <summary>The asset's industry regulator (管行业必须管安全).</summary>
    Regulator,
}

/// <param name="Name">The person, when known; null when the region or shift names nobody (the role group still hears it).</param>
public sealed record EscalationRecipient(RecipientKind Kind, string? Name, string? Phone, string? RegionId)
{
    /// <summary>Where an e-mail channel reaches the person; null when none is known.</summary>
    public string? Email { get; init; }

    /// <summary>The organisation of a responsible party or regulator (issue 20); null for the grid and the duty room.</summary>
    public string? OrganisationId { get; init; }

    /// <summary>By when the party must acknowledge or be on site; null when nothing is asked of it.</summary>
    public DateTimeOffset? DueBy { get; init; }
}

/// <summary>A region above the alert's own, with its named supervisor if the region file gives one.</summary>
public sealed record RegionContact(string RegionId, string? SupervisorName, string? SupervisorPhone);

/// <summary>The officer and leader on duty for one shift of the 24 h roster.</summary>
public sealed record DutyShift(
    long ShiftId,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string Officer,
    string? OfficerPhone,
    string Leader,
    string? LeaderPhone)
{
    public bool Covers(DateTimeOffset at) => at >= StartsAt && at < EndsAt;

    /// <summary>Why this shift cannot go on the roster, or null: it must end after it starts and last at most 24 h.</summary>
    public string? Problem() =>
        EndsAt <= StartsAt ? "A shift ends after it starts."
        : EndsAt - StartsAt > TimeSpan.FromHours(24) ? "A shift lasts at most 24 hours."
        : string.IsNullOrWhiteSpace(Officer) || string.IsNullOrWhiteSpace(Leader) ? "A shift names its officer and its leader on duty."
        : null;
}

/// <summary>
/// Who hears step n (pure): the supervisor n levels up the grid (the top one once the chain runs out), the on-duty
/// officer at every step, and the leader on duty from step 2, or from step 1 for red (level I warnings go straight to
/// a leader). With no roster entry for the moment, the role groups are still notified, by role, without a name.
/// </summary>
public static class EscalationTargets
{
    public static IReadOnlyList<EscalationRecipient> For(
        int level, WarningLevel severity, IReadOnlyList<RegionContact> regionsAbove, DutyShift? shift)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(level, 1);
        ArgumentNullException.ThrowIfNull(regionsAbove);
        var recipients = new List<EscalationRecipient>(3);
        if (regionsAbove.Count > 0)
        {
            var region = regionsAbove[Math.Min(level, regionsAbove.Count) - 1];
            recipients.Add(new EscalationRecipient(RecipientKind.RegionSupervisor, region.SupervisorName, region.SupervisorPhone, region.RegionId));
        }

        recipients.Add(new EscalationRecipient(RecipientKind.DutyOfficer, shift?.Officer, shift?.OfficerPhone, null));
        if (level >= 2 || severity == WarningLevel.Red)
        {
            recipients.Add(new EscalationRecipient(RecipientKind.DutyLeader, shift?.Leader, shift?.LeaderPhone, null));
        }

        return recipients;
    }
}
