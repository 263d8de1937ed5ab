using RiskMonitor.Domain.Escalation;

namespace RiskMonitor.Domain.Hazards;

/// <summary>Who an overdue listed hazard is pushed to.</summary>
public enum HazardRecipientKind
{
    /// <summary>The department supervising the listed hazard (挂牌督办单位).</summary>
    SupervisingDepartment,

    /// <summary>The duty room's officer on duty (值班员).</summary>
    DutyOfficer,

    /// <summary>The leader on duty (带班领导), from the second push on.</summary>
    DutyLeader,
}

/// <param name="Name">The department or person; null when the roster names nobody for the moment (the role still hears it).</param>
public sealed record HazardRecipient(HazardRecipientKind Kind, string? Name, string? Phone);

/// <summary>What to do about one hazard now: fire step <see cref="FireStep"/> (null: nothing), and when to look again.</summary>
public sealed record HazardOverdueDecision(int? FireStep, DateTimeOffset? NextDue);

/// <summary>
/// When an overdue listed hazard (挂牌督办, past its deadline and not verified) is pushed, and to whom. Step 1 is due
/// the moment the deadline passes; each further step <see cref="RepeatEvery"/> after the last one that went out, until
/// the hazard is verified. Counting from the last push, not from the deadline, means a server that was down for a day
/// sends one push when it is back, not a burst of the ones it missed.
/// </summary>
public sealed record HazardOverduePolicy(TimeSpan RepeatEvery)
{
    public HazardOverdueDecision Decide(Hazard hazard, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(hazard);
        if (!hazard.ListedSupervision || hazard.Status == HazardStatus.Verified || hazard.Deadline is not { } deadline)
        {
            return new(null, null);
        }

        var nextDue = hazard.OverdueEscalations == 0 || hazard.LastEscalatedAt is not { } last ? deadline : last + RepeatEvery;

        // Overdue means strictly past the deadline (Hazard.IsOverdue): at the deadline itself the unit is still in time.
        var due = hazard.OverdueEscalations == 0 ? now > nextDue : now >= nextDue;
        return due
            ? new(hazard.OverdueEscalations + 1, now + RepeatEvery)
            : new(null, nextDue);
    }

    /// <summary>
    /// The supervising department and the duty officer at every step; the leader on duty from step 2 (the first push
    /// went unanswered). With no shift on the roster the duty roles are still addressed, without a name.
    /// </summary>
    public static IReadOnlyList<HazardRecipient> RecipientsOf(Hazard hazard, int step, DutyShift? shift)
    {
        ArgumentNullException.ThrowIfNull(hazard);
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        var recipients = new List<HazardRecipient>(3)
        {
            new(HazardRecipientKind.SupervisingDepartment, hazard.SupervisingDepartment, null),
            new(HazardRecipientKind.DutyOfficer, shift?.Officer, shift?.OfficerPhone),
        };
        if (step >= 2)
        {
            recipients.Add(new(HazardRecipientKind.DutyLeader, shift?.Leader, shift?.LeaderPhone));
        }

        return recipients;
    }
}
