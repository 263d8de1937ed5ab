using System.Collections.Immutable;

namespace RiskMonitor.Domain.Responsibility;

/// <summary>What came of an act on a party case.</summary>
public enum PartyActOutcome
{
    Done,
    UnknownCase,

    /// <summary>The organisation has no duty on this alert (another unit's alert).</summary>
    NotAParty,

    /// <summary>Already recorded: the first record stands.</summary>
    AlreadyDone,

    /// <summary>Arrival and release belong to an entrapment's rescue only.</summary>
    NotARescue,
}

/// <summary>An entrapment's rescue: reported, due on site, arrived, released (TSG T5002).</summary>
public sealed record Rescue(
    string UnitId,
    DateTimeOffset ReportedAt,
    DateTimeOffset ArrivalDue,
    DateTimeOffset? ArrivedAt = null,
    string? ArrivedBy = null,
    DateTimeOffset? ReleasedAt = null,
    string? ReleasedBy = null)
{
    public TimeSpan? ArrivalTime => ArrivedAt - ReportedAt;

    public bool ArrivedLate => ArrivedAt is { } at ? at > ArrivalDue : false;
}

/// <summary>
/// The parties of one alert and how each acted (pure). Made by <see cref="RoutingPolicy.Route"/>; changed by the
/// parties' acknowledgements, the rescue's arrival and release, and the escalation of duties past due. Every change
/// returns a new value; the first record of an act stands.
/// </summary>
public sealed record PartyCase(string AlertId, string AssetId, DateTimeOffset OpenedAt, ImmutableArray<PartyDuty> Duties, Rescue? Rescue)
{
    public ImmutableArray<PartyDuty> Duties { get; init; } = Duties.IsDefault ? [] : Duties;

    /// <summary>
    /// The severity the parties were last told of. <see cref="WarningLevel.None"/> on a case stored before this was
    /// kept, which any worsening exceeds, so such a case is routed again like any other.
    /// </summary>
    public WarningLevel Severity { get; init; }

    public static PartyCase Open(RoutedAlert alert, ImmutableArray<PartyDuty> duties, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var rescueDuty = duties.FirstOrDefault(d => d.Kind == DutyKind.ArriveOnSite);
        var rescue = rescueDuty is null ? null : new Rescue(rescueDuty.OrganisationId, alert.RaisedAt, rescueDuty.DueBy!.Value);
        return new PartyCase(alert.AlertId, alert.AssetId, now, duties, rescue) { Severity = alert.Severity };
    }

    /// <summary>
    /// The alert worsened (yellow to red): <paramref name="routed"/> is what <see cref="RoutingPolicy.Route"/> gives at
    /// the new severity, and every one of those parties is told again. The case takes the worse level's terms:
    /// <list type="bullet">
    /// <item>an acknowledgement still open is due by the earlier of its time and the new one (a red's 5 min, not the
    /// yellow's 60 that were left);</item>
    /// <item>an acknowledgement already given or already escalated was of the milder level, so the worse one asks for a
    /// new acknowledgement (a duty added): the owner who took a yellow in hand must still say it knows of the red;</item>
    /// <item>a party the milder level did not reach (the regulator of a red, the 包保 persons from orange) is added;</item>
    /// <item>the rescue clock stays as it was: it runs from the report, whatever the level.</item>
    /// </list>
    /// A severity no worse than the one told returns the case unchanged and nobody to tell.
    /// </summary>
    public (PartyCase Case, ImmutableArray<PartyDuty> Told) Worsened(WarningLevel severity, ImmutableArray<PartyDuty> routed)
    {
        if (severity <= Severity || routed.IsDefaultOrEmpty)
        {
            return (this, []);
        }

        var duties = Duties.ToList();
        foreach (var duty in routed)
        {
            var same = duties.FindIndex(d => d.OrganisationId == duty.OrganisationId && d.Role == duty.Role && d.Kind == duty.Kind
                && string.Equals(d.Contact?.Name, duty.Contact?.Name, StringComparison.Ordinal)
                && (d.Kind != DutyKind.Acknowledge || d.Open));
            if (same < 0)
            {
                duties.Add(duty);
            }
            else if (duty.Kind == DutyKind.Acknowledge && duty.DueBy < duties[same].DueBy)
            {
                duties[same] = duties[same] with { DueBy = duty.DueBy };
            }
        }

        return (this with { Duties = [.. duties], Severity = severity }, routed);
    }

    /// <summary>The organisations with a duty here: who may see the alert on their unit page.</summary>
    public IEnumerable<string> OrganisationIds => Duties.Select(d => d.OrganisationId).Distinct(StringComparer.Ordinal);

    /// <summary>The earliest time an open duty falls due, or null when nothing is running.</summary>
    public DateTimeOffset? NextDue => Duties.Where(d => d.Open).Select(d => d.DueBy).Min();

    public (PartyCase Case, PartyActOutcome Outcome) Acknowledge(string organisationId, string actor, DateTimeOffset at)
    {
        var mine = Duties.Where(d => d.OrganisationId == organisationId).ToList();
        if (mine.Count == 0)
        {
            return (this, PartyActOutcome.NotAParty);
        }

        var open = mine.Where(d => d.Kind == DutyKind.Acknowledge && d.DoneAt is null).ToHashSet();
        if (open.Count == 0)
        {
            return (this, PartyActOutcome.AlreadyDone);
        }

        return (this with { Duties = [.. Duties.Select(d => open.Contains(d) ? d with { DoneAt = at, DoneBy = actor } : d)] }, PartyActOutcome.Done);
    }

    /// <summary>The rescuers are on site. <paramref name="organisationId"/> null = recorded by the command centre or a device.</summary>
    public (PartyCase Case, PartyActOutcome Outcome) Arrive(string? organisationId, string actor, DateTimeOffset at)
    {
        if (Rescue is null)
        {
            return (this, PartyActOutcome.NotARescue);
        }

        if (organisationId is not null && organisationId != Rescue.UnitId)
        {
            return (this, PartyActOutcome.NotAParty);
        }

        if (Rescue.ArrivedAt is not null)
        {
            return (this, PartyActOutcome.AlreadyDone);
        }

        return (WithArrival(actor, at), PartyActOutcome.Done);
    }

    /// <summary>
    /// The trapped people are out: closes the rescue. Nobody is freed from off site, so a release without an arrival on
    /// record records the arrival at the same moment.
    /// </summary>
    public (PartyCase Case, PartyActOutcome Outcome) Release(string? organisationId, string actor, DateTimeOffset at)
    {
        if (Rescue is null)
        {
            return (this, PartyActOutcome.NotARescue);
        }

        if (organisationId is not null && organisationId != Rescue.UnitId)
        {
            return (this, PartyActOutcome.NotAParty);
        }

        if (Rescue.ReleasedAt is not null)
        {
            return (this, PartyActOutcome.AlreadyDone);
        }

        var arrived = Rescue.ArrivedAt is null ? WithArrival(actor, at) : this;
        return (arrived with { Rescue = arrived.Rescue! with { ReleasedAt = at, ReleasedBy = actor } }, PartyActOutcome.Done);
    }

    /// <summary>The duties past due now, and the case with them marked escalated (each escalates once).</summary>
    public (PartyCase Case, ImmutableArray<PartyDuty> Escalated) EscalateOverdue(DateTimeOffset now)
    {
        var overdue = Duties.Where(d => d.Overdue(now)).ToImmutableArray();
        if (overdue.IsEmpty)
        {
            return (this, []);
        }

        var set = overdue.ToHashSet();
        return (this with { Duties = [.. Duties.Select(d => set.Contains(d) ? d with { EscalatedAt = now } : d)] }, overdue);
    }

    /// <summary>
    /// The alert was resolved or closed by the people handling it: acknowledgements are no longer awaited. The rescue's
    /// arrival still is: whether the unit came in time is what the KPIs measure.
    /// </summary>
    public PartyCase AlertEnded(DateTimeOffset at) =>
        this with { Duties = [.. Duties.Select(d => d.Kind == DutyKind.Acknowledge && d.Open ? d with { DueBy = null } : d)] };

    private PartyCase WithArrival(string actor, DateTimeOffset at) => this with
    {
        Rescue = Rescue! with { ArrivedAt = at, ArrivedBy = actor },
        Duties = [.. Duties.Select(d => d.Kind == DutyKind.ArriveOnSite && d.DoneAt is null ? d with { DoneAt = at, DoneBy = actor } : d)],
    };
}
