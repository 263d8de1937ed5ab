using System.Collections.Immutable;

namespace RiskMonitor.Domain.Responsibility;

/// <summary>What a party is to the alert it is told of.</summary>
public enum PartyRole
{
    Owner,
    Maintenance,
    Regulator,

    /// <summary>One of a major hazard source's three 包保 persons (of its owner unit).</summary>
    Guarantor,
}

/// <summary>What a party must do, and by when.</summary>
public enum DutyKind
{
    /// <summary>Acknowledge the alert on the on-call page or over the API.</summary>
    Acknowledge,

    /// <summary>Be on site (an entrapment's rescue, TSG T5002): recorded on the on-call page, over the API or by a device.</summary>
    ArriveOnSite,

    /// <summary>Told, with nothing due (a regulator hears of a red alert at once).</summary>
    Informed,
}

/// <summary>
/// One party's duty on one alert: who (the organisation and the person told first, with the phone and e-mail the
/// notice goes to), what, by when, and what came of it.
/// </summary>
public sealed record PartyDuty(
    string OrganisationId,
    string OrganisationName,
    PartyRole Role,
    DutyKind Kind,
    Person? Contact,
    DateTimeOffset? DueBy,
    DateTimeOffset? DoneAt = null,
    string? DoneBy = null,
    DateTimeOffset? EscalatedAt = null)
{
    public bool Open => DueBy is not null && DoneAt is null && EscalatedAt is null;

    public bool Overdue(DateTimeOffset now) => Open && DueBy <= now;
}

/// <summary>The facts of an alert the routing looks at.</summary>
public sealed record RoutedAlert(
    string AlertId, string AssetId, string AssetKind, string Industry, string RuleId, WarningLevel Severity, string RegionId, DateTimeOffset RaisedAt)
{
    /// <summary>The elevator event of passengers trapped (rule <c>event.entrapment</c>, docs/rules.md).</summary>
    public bool IsEntrapment => RuleId == EntrapmentRuleId;

    public const string EntrapmentRuleId = "event.entrapment";
}

/// <summary>How long each party has; defaults and their sources in docs/rules.md.</summary>
/// <param name="AcknowledgeWithin">Per severity; a severity without one (blue) is not routed to parties.</param>
/// <param name="RescueArrivalWithin">An entrapment's maintenance unit on site within this: 30 min (TSG T5002-2017 for districted cities).</param>
public sealed record RoutingWindows(IReadOnlyDictionary<WarningLevel, TimeSpan> AcknowledgeWithin, TimeSpan RescueArrivalWithin)
{
    public static RoutingWindows Default { get; } = new(
        new Dictionary<WarningLevel, TimeSpan>
        {
            [WarningLevel.Red] = TimeSpan.FromMinutes(5),
            [WarningLevel.Orange] = TimeSpan.FromMinutes(15),
            [WarningLevel.Yellow] = TimeSpan.FromMinutes(60),
        },
        TimeSpan.FromMinutes(30));
}

/// <summary>
/// Which parties an alert is routed to and by when each must act (pure; docs/rules.md "Routing to the responsible
/// parties"):
/// <list type="bullet">
/// <item>the owner unit, always (企业主体责任), to acknowledge within the severity's window;</item>
/// <item>the maintenance unit of special equipment: on an entrapment to be on site within the rescue window counted
/// from the alert, otherwise to acknowledge;</item>
/// <item>a major hazard source's three 包保 persons from orange up, each to acknowledge;</item>
/// <item>the industry regulator is told of red at once, and of any party that misses its time (<see cref="EscalationOf"/>).</item>
/// </list>
/// Blue (sensor health) reaches no party: it is the operator's.
/// </summary>
public sealed class RoutingPolicy(RoutingWindows windows)
{
    public RoutingWindows Windows { get; } = windows ?? throw new ArgumentNullException(nameof(windows));

    public ImmutableArray<PartyDuty> Route(RoutedAlert alert, AssetParties? parties, Func<string, Organisation?> find, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(find);
        if (parties is null || !Windows.AcknowledgeWithin.TryGetValue(alert.Severity, out var ackWithin))
        {
            return [];
        }

        var duties = ImmutableArray.CreateBuilder<PartyDuty>();
        var owner = Live(parties.OwnerUnitId);
        if (owner is not null)
        {
            duties.Add(new PartyDuty(owner.Id, owner.Name, PartyRole.Owner, DutyKind.Acknowledge, owner.FirstContact, now + ackWithin));
        }

        if (Live(parties.MaintenanceUnitId) is { } unit)
        {
            duties.Add(alert.IsEntrapment
                ? new PartyDuty(unit.Id, unit.Name, PartyRole.Maintenance, DutyKind.ArriveOnSite, unit.FirstContact, alert.RaisedAt + Windows.RescueArrivalWithin)
                : new PartyDuty(unit.Id, unit.Name, PartyRole.Maintenance, DutyKind.Acknowledge, unit.FirstContact, now + ackWithin));
        }

        if (owner is not null && alert.AssetKind == "hazard_source" && alert.Severity >= WarningLevel.Orange && !parties.Guarantors.IsDefault)
        {
            foreach (var person in parties.Guarantors)
            {
                duties.Add(new PartyDuty(owner.Id, owner.Name, PartyRole.Guarantor, DutyKind.Acknowledge, person, now + ackWithin));
            }
        }

        if (alert.Severity == WarningLevel.Red && Live(parties.RegulatorId) is { } regulator)
        {
            duties.Add(new PartyDuty(regulator.Id, regulator.Name, PartyRole.Regulator, DutyKind.Informed, regulator.FirstContact, null));
        }

        return duties.ToImmutable();

        Organisation? Live(string? id) => id is not null && find(id) is { Retired: false } org ? org : null;
    }

    /// <summary>
    /// Who hears of a party that missed its time: the asset's regulator (its first contact) and the duty room. Null
    /// regulator (none named, or retired): the duty room alone, which is never skipped.
    /// </summary>
    public static (Organisation? Regulator, Person? Contact) EscalationOf(AssetParties? parties, Func<string, Organisation?> find)
    {
        ArgumentNullException.ThrowIfNull(find);
        var regulator = parties?.RegulatorId is { } id && find(id) is { Retired: false } org ? org : null;
        return (regulator, regulator?.FirstContact);
    }
}
