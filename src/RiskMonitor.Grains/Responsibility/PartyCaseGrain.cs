using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Contracts.Responsibility;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Escalation;
using RiskMonitor.Domain.Responsibility;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Diagnostics;
using RiskMonitor.Storage.Duty;
using RiskMonitor.Storage.Responsibility;

namespace RiskMonitor.Grains.Responsibility;

/// <summary>
/// One alert's responsible parties (docs/decisions/0035-responsibility-chain.md). The pure <see cref="RoutingPolicy"/>
/// and <see cref="PartyCase"/> decide; this grain reads the asset's parties from the registry when the alert opens (so
/// a change made a moment before on any node counts), keeps the case in <see cref="IPartyCaseStore"/>, writes each
/// notice to the alert's ledger and the notification outbox in one write, and wakes when a duty falls due: a grain
/// timer on time, a reminder after a restart. Placed on the silo that asks first, which is the silo whose asset grain
/// raised the alert: each node routes the alerts it raises.
/// </summary>
[Orleans.Placement.PreferLocalPlacement]
internal sealed class PartyCaseGrain(
    IPartyCaseStore cases,
    IResponsibilityStore registry,
    IAlertStore alerts,
    IDutyRoster roster,
    INotifier notifier,
    RoutingPolicy policy,
    TimeProvider time,
    ILogger<PartyCaseGrain> logger) : Grain, IPartyCaseGrain, IRemindable
{
    private const string ReminderName = "party-due";

    // Orleans' shortest reminder period; the timer fires the dues on time, the reminder only revives the grain.
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);

    private PartyCase? _case;
    private bool _loaded;
    private IGrainTimer? _timer;

    private string AlertId => this.GetPrimaryKeyString();

    /// <summary>
    /// The stored case, read on first need rather than on activation: every new alert activates this grain, and for an
    /// asset nobody is on record for (most of a storm's, when the registry names no parties) the parties' read alone
    /// answers, so the case's read is not spent (issue 17: two reads per alert were a tenth of a storm's server CPU).
    /// </summary>
    private async ValueTask LoadAsync()
    {
        if (!_loaded)
        {
            _case = await cases.FindAsync(AlertId);
            _loaded = true;
            Arm();
        }
    }

    public async ValueTask Open(AlertView alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (_loaded && _case is not null && alert.Severity <= _case.Severity)
        {
            return; // told already of this level or a worse one
        }

        var now = time.GetUtcNow();
        var parties = await registry.FindPartiesAsync(alert.AssetId);
        if (parties is null)
        {
            return; // nobody on record answers for this asset: the policy routes nobody, so the case need not be read
        }

        await LoadAsync();
        if (_case is not null && alert.Severity <= _case.Severity)
        {
            return;
        }

        var organisations = await OrganisationsOfAsync(parties);
        var routed = new RoutedAlert(alert.AlertId, alert.AssetId, alert.Kind, alert.Industry, alert.RuleId, alert.Severity, alert.RegionId, alert.RaisedAt);
        var duties = policy.Route(routed, parties, organisations.GetValueOrDefault, now);
        if (duties.IsEmpty)
        {
            return; // no parties on record, or a severity no party hears of
        }

        // A case already open takes the worse level's terms (new deadlines, the regulator of a red); see PartyCase.Worsened.
        // Kept in memory only once stored: a failed save leaves the alert unrouted, so a later Open may try again.
        var (next, told) = _case is null ? (PartyCase.Open(routed, duties, now), duties) : _case.Worsened(alert.Severity, duties);
        await cases.SaveAsync(next, now);
        var worsened = _case is not null;
        _case = next;
        var recipients = told.Select(Recipient).ToList();
        // Step 0 when first told; a worsening's notice carries the new severity's number (3, 4), so a receiver that drops
        // duplicates by (alert, kind, step) keeps it.
        var notice = new EscalationNotice(alert, worsened ? (int)alert.Severity : 0, 0, recipients, now) { Kind = NoticeKind.PartiesTold };
        var note = (worsened ? $"worsened to {alert.Severity.ToString().ToLowerInvariant()}: " : "") + string.Join("; ", told.Select(Describe));
        if (!await alerts.AppendNoticeAsync(alert.AlertId, AlertLedgerActions.PartyNotified, note, notice, now))
        {
            ResponsibilityLog.AlertUnknown(logger, alert.AlertId);
        }

        ResponsibilityLog.Routed(logger, alert.AlertId, note);
        notifier.Notify(notice);
        await ArmAndRemindAsync();
    }

    public async ValueTask<PartyActOutcome> Act(PartyAct act, string? organisationId, string actor)
    {
        await LoadAsync();
        if (_case is null)
        {
            return PartyActOutcome.UnknownCase;
        }

        var now = time.GetUtcNow();
        var (next, outcome) = act switch
        {
            PartyAct.Acknowledge when organisationId is null => (_case, PartyActOutcome.NotAParty),
            PartyAct.Acknowledge => _case.Acknowledge(organisationId, actor, now),
            PartyAct.Arrive => _case.Arrive(organisationId, actor, now),
            _ => _case.Release(organisationId, actor, now),
        };
        if (outcome != PartyActOutcome.Done)
        {
            return outcome;
        }

        await cases.SaveAsync(next, now);
        _case = next;
        var (action, what) = act switch
        {
            PartyAct.Acknowledge => (AlertLedgerActions.PartyAcknowledged, $"{organisationId} acknowledged"),
            PartyAct.Arrive => (AlertLedgerActions.RescueArrived, $"rescuers of {next.Rescue!.UnitId} on site after {Minutes(next.Rescue.ArrivalTime)} min (due {next.Rescue.ArrivalDue:HH:mm:ss}Z)"),
            _ => (AlertLedgerActions.RescueReleased, $"trapped people released {Minutes(next.Rescue!.ReleasedAt - next.Rescue.ReportedAt)} min after the report"),
        };
        await alerts.AppendAsync(AlertId, action, actor, what, now);
        ResponsibilityLog.Acted(logger, AlertId, act, organisationId ?? "command centre", actor);
        Arm();
        return outcome;
    }

    public Task ReceiveReminder(string reminderName, Orleans.Runtime.TickStatus status) => CheckDueAsync();

    private async Task CheckDueAsync()
    {
        try
        {
            await LoadAsync();
        }
        catch (Exception ex)
        {
            // Woken by its reminder while the store is away: the reminder's next tick tries again.
            ResponsibilityLog.CheckFailed(logger, ex, AlertId, ReminderPeriod);
            return;
        }

        if (_case is null)
        {
            return;
        }

        var now = time.GetUtcNow();
        try
        {
            if (_case.Duties.Any(d => d.Kind == DutyKind.Acknowledge && d.Open) &&
                await alerts.FindAsync(AlertId) is { State: AlertState.Resolved or AlertState.Closed })
            {
                _case = _case.AlertEnded(now);
                await cases.SaveAsync(_case, now);
            }

            var (next, overdue) = _case.EscalateOverdue(now);
            if (!overdue.IsEmpty)
            {
                await EscalateAsync(next, overdue, now);
            }
        }
        catch (Exception ex)
        {
            ResponsibilityLog.CheckFailed(logger, ex, AlertId, RetryAfterFailure);
            SetTimer(RetryAfterFailure);
            return;
        }

        await ArmAndRemindAsync();
    }

    private async Task EscalateAsync(PartyCase next, ImmutableArray<PartyDuty> overdue, DateTimeOffset now)
    {
        var alert = await alerts.FindAsync(AlertId) ?? throw new InvalidOperationException($"Alert {AlertId} is not in the store.");
        var parties = await registry.FindPartiesAsync(next.AssetId);
        var organisations = await OrganisationsOfAsync(parties);
        var (regulator, contact) = RoutingPolicy.EscalationOf(parties, organisations.GetValueOrDefault);
        var shift = await roster.OnDutyAsync(now);
        var recipients = new List<EscalationRecipient>();
        if (regulator is not null)
        {
            recipients.Add(new EscalationRecipient(RecipientKind.Regulator, contact?.Name, contact?.Phone, null)
            {
                Email = contact?.Email,
                OrganisationId = regulator.Id,
            });
        }

        recipients.Add(new EscalationRecipient(RecipientKind.DutyOfficer, shift?.Officer, shift?.OfficerPhone, null));
        var step = next.Duties.Count(d => d.EscalatedAt is not null);
        var notice = new EscalationNotice(alert, step, 0, recipients, now) { Kind = NoticeKind.PartyOverdue };
        var note = string.Join("; ", overdue.Select(d => $"{d.OrganisationName} ({d.OrganisationId}) did not {(d.Kind == DutyKind.ArriveOnSite ? "arrive on site" : "acknowledge")} by {d.DueBy:yyyy-MM-ddTHH:mm:ss}Z"))
            + $"; told {(regulator is null ? "no regulator on record" : $"regulator {regulator.Name}")} and the duty room";

        // The case first: were the notice written and the case not, the next look would tell them twice.
        await cases.SaveAsync(next, now);
        _case = next;
        if (!await alerts.AppendNoticeAsync(AlertId, AlertLedgerActions.PartyOverdue, note, notice, now))
        {
            ResponsibilityLog.AlertUnknown(logger, AlertId);
        }

        ResponsibilityLog.Overdue(logger, AlertId, note);
        notifier.Notify(notice);
    }

    private async Task<Dictionary<string, Organisation>> OrganisationsOfAsync(AssetParties? parties)
    {
        var found = new Dictionary<string, Organisation>(StringComparer.Ordinal);
        if (parties is null)
        {
            return found;
        }

        foreach (var id in new[] { parties.OwnerUnitId, parties.MaintenanceUnitId, parties.RegulatorId }.OfType<string>().Distinct(StringComparer.Ordinal))
        {
            if (await registry.FindOrganisationAsync(id) is { } organisation)
            {
                found[id] = organisation;
            }
        }

        return found;
    }

    private async Task ArmAndRemindAsync()
    {
        Arm();
        try
        {
            if (_case?.NextDue is not null)
            {
                await this.RegisterOrUpdateReminder(ReminderName, ReminderPeriod, ReminderPeriod);
            }
            else if (await this.GetReminder(ReminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
        catch (Exception ex)
        {
            // The timer still fires while this activation lives; only a restart in between would be late.
            ResponsibilityLog.ReminderFailed(logger, ex, AlertId);
        }
    }

    private void Arm()
    {
        if (_case?.NextDue is { } due)
        {
            var wait = due - time.GetUtcNow();
            SetTimer(wait < TimeSpan.Zero ? TimeSpan.Zero : wait);
        }
        else
        {
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private void SetTimer(TimeSpan dueIn)
    {
        if (_timer is null)
        {
            _timer = this.RegisterGrainTimer(static (grain, _) => grain.CheckDueAsync(), this,
                new GrainTimerCreationOptions(dueIn, Timeout.InfiniteTimeSpan) { KeepAlive = true });
        }
        else
        {
            _timer.Change(dueIn, Timeout.InfiniteTimeSpan);
        }
    }

    private static EscalationRecipient Recipient(PartyDuty duty) =>
        new(duty.Role == PartyRole.Regulator ? RecipientKind.Regulator : RecipientKind.ResponsibleParty, duty.Contact?.Name, duty.Contact?.Phone, null)
        {
            Email = duty.Contact?.Email,
            OrganisationId = duty.OrganisationId,
            DueBy = duty.DueBy,
        };

    private static string Describe(PartyDuty duty)
    {
        var who = duty.Contact is { } c ? $" {c.Name}{(c.Phone is null ? "" : " " + c.Phone)}{(c.Email is null ? "" : " " + c.Email)}" : " (nobody named)";
        var what = duty.Kind switch
        {
            DutyKind.Acknowledge => $"acknowledge by {duty.DueBy:yyyy-MM-ddTHH:mm:ss}Z",
            DutyKind.ArriveOnSite => $"on site by {duty.DueBy:yyyy-MM-ddTHH:mm:ss}Z",
            _ => "informed",
        };
        return $"{duty.Role.ToString().ToLowerInvariant()} {duty.OrganisationName} ({duty.OrganisationId}){who}: {what}";
    }

    private static string Minutes(TimeSpan? span) => span is { } s ? s.TotalMinutes.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) : "?";
}

internal static partial class ResponsibilityLog
{
    [LoggerMessage(EventId = 2720, Level = LogLevel.Information, Message = "Alert {AlertId} routed to its parties: {Parties}")]
    public static partial void Routed(ILogger logger, string alertId, string parties);

    [LoggerMessage(EventId = 2721, Level = LogLevel.Information, Message = "Alert {AlertId}: {Act} recorded for {Party} by {Actor}")]
    public static partial void Acted(ILogger logger, string alertId, PartyAct act, string party, string actor);

    [LoggerMessage(EventId = 2722, Level = LogLevel.Warning, Message = "Alert {AlertId}: a party missed its time: {What}")]
    public static partial void Overdue(ILogger logger, string alertId, string what);

    [LoggerMessage(EventId = 2723, Level = LogLevel.Warning, Message = "Party check of alert {AlertId} failed; trying again in {Retry}")]
    public static partial void CheckFailed(ILogger logger, Exception exception, string alertId, TimeSpan retry);

    [LoggerMessage(EventId = 2724, Level = LogLevel.Warning, Message = "Party case of alert {AlertId} could not set its reminder; its timer still runs")]
    public static partial void ReminderFailed(ILogger logger, Exception exception, string alertId);

    private static readonly LogGate RouteGate = new(TimeSpan.FromSeconds(30));

    [LoggerMessage(EventId = 2725, Level = LogLevel.Error,
        Message = "Could not route alert {AlertId} to its parties; the routing sweep tries again. Failed routings not logged since the last such line: {Held}")]
    private static partial void RouteFailed(ILogger logger, Exception exception, string alertId, long held);

    // Fails for every new alert while PostgreSQL is down: one line (with its stack) per 30 s per node, and the count.
    public static void RouteFailed(ILogger logger, Exception exception, string alertId)
    {
        if (RouteGate.TryPass(out var held))
        {
            RouteFailed(logger, exception, alertId, held);
        }
    }

    [LoggerMessage(EventId = 2726, Level = LogLevel.Error, Message = "Alert {AlertId} is not in the alert store: its parties' notice went to no ledger and no outbox")]
    public static partial void AlertUnknown(ILogger logger, string alertId);
}
