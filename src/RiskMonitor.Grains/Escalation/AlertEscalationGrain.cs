using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Escalation;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Escalation;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Duty;
using RiskMonitor.Storage.Silences;

namespace RiskMonitor.Grains.Escalation;

/// <summary>
/// The escalation clock of one alert (DESIGN.md §6). A reminder (durable: it survives a restart of the silo) wakes
/// the grain; the alert's state is read from the alert store each time, so an acknowledgement made anywhere stops
/// it; the pure <see cref="EscalationPolicy"/> decides; each step is written to the alert's ledger, then notified.
/// </summary>
internal sealed class AlertEscalationGrain(
    [PersistentState("escalation", GrainStorage.Name)] IPersistentState<AlertEscalationState> state,
    IAlertStore alerts,
    IDutyRoster roster,
    IRegionChain regions,
    INotifier notifier,
    ISilenceStore silences,
    EscalationPolicy policy,
    TimeProvider time,
    ILogger<AlertEscalationGrain> logger) : Grain, IAlertEscalationGrain, IRemindable
{
    public const string ReminderName = "escalate";

    // Orleans refuses reminder periods below ReminderOptions.MinimumReminderPeriod (1 minute by default), so the
    // reminder ticks every minute and the policy decides on each tick: a step fires at most a minute late.
    private static readonly TimeSpan TickPeriod = TimeSpan.FromMinutes(1);

    private DateTimeOffset? _nextDue;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!state.State.Tracking || state.State.OpenSince is not { } openSince)
        {
            return;
        }

        // A crash between writing a step to the ledger and writing this state would fire the step again; the
        // ledger is the record, so the count of steps comes from it.
        var fired = (await alerts.HistoryAsync(this.GetPrimaryKeyString(), cancellationToken))
            .Where(e => e.Action == AlertLedgerActions.Escalated && e.At >= openSince).ToList();
        if (fired.Count > state.State.StepsFired)
        {
            EscalationLog.Reconciled(logger, this.GetPrimaryKeyString(), fired.Count, state.State.StepsFired);
            state.State.StepsFired = fired.Count;
            state.State.LastFiredAt = fired[^1].At;
            await state.WriteStateAsync(cancellationToken);
        }
    }

    public async ValueTask Track(AlertView alert, DateTimeOffset? openedAt)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (alert.State != AlertState.Open)
        {
            await Check();
            return;
        }

        var current = state.State;
        var restart = !current.Tracking || (openedAt is { } opened && opened != current.OpenSince);
        if (restart)
        {
            state.State = new AlertEscalationState
            {
                Tracking = true,
                OpenSince = openedAt ?? (current.Tracking ? current.OpenSince : null) ?? alert.RaisedAt,
                StepsFired = 0,
            };
            await state.WriteStateAsync();
        }

        var decision = policy.Decide(Subject(alert), time.GetUtcNow());
        if (decision.Done)
        {
            await StopAsync(alert.State);
            return;
        }

        _nextDue = decision.NextDue;
        if (restart || await this.GetReminder(ReminderName) is null)
        {
            var dueIn = (decision.FireStep is null ? decision.NextDue : null) is { } due ? due - time.GetUtcNow() : TickPeriod;
            await this.RegisterOrUpdateReminder(ReminderName, dueIn < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : dueIn, TickPeriod);
        }

        if (decision.FireStep is not null)
        {
            // Overdue already (the server was down when the step fell due): fire now rather than at the next tick.
            await Check();
        }
    }

    public async ValueTask<EscalationStatus> Check()
    {
        if (!state.State.Tracking)
        {
            return Status();
        }

        var alertId = this.GetPrimaryKeyString();
        var alert = await alerts.FindAsync(alertId);
        if (alert is null)
        {
            await StopAsync(null);
            return Status();
        }

        var now = time.GetUtcNow();
        var decision = policy.Decide(Subject(alert), now);
        if (decision.Done)
        {
            await StopAsync(alert.State);
            return Status();
        }

        if (decision.FireStep is not null || state.State.HeldUntil > now)
        {
            var heldBefore = state.State.HeldUntil;
            await HoldForSilenceAsync(alert, decision.FireStep ?? state.State.StepsFired + 1, now);
            decision = policy.Decide(Subject(alert), now);
            if (state.State.HeldUntil != heldBefore && decision.FireStep is null && decision.NextDue is { } due)
            {
                // The hold moved the next step: wake up for it rather than tick through the silence minute by minute,
                // and, when the silence was ended early, soon after it instead of at the next minute's tick.
                var dueIn = due - now;
                await this.RegisterOrUpdateReminder(ReminderName, dueIn < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : dueIn, TickPeriod);
            }
        }

        _nextDue = decision.NextDue;
        if (decision.FireStep is not { } step)
        {
            return Status();
        }

        var level = policy.LevelOf(step);
        var shift = await roster.OnDutyAsync(now);
        var recipients = EscalationTargets.For(level, alert.Severity, regions.Above(alert.RegionId), shift);
        var described = string.Join("; ", recipients.Select(Describe));

        // The ledger line (the record that the step happened, also what a restart counts) and the notice in the
        // outbox go in one transaction, then this grain's state; the notifier only wakes the delivery worker. A crash
        // anywhere after the transaction loses nothing: the worker delivers what the outbox holds
        // (docs/decisions/0018-notification-outbox.md).
        var notice = new EscalationNotice(alert, step, level, recipients, now);
        await alerts.AppendEscalationAsync(alertId, $"step {step}, level {level}: {described}", notice, now);
        state.State.StepsFired = step;
        state.State.LastFiredAt = now;
        await state.WriteStateAsync();
        EscalationLog.Escalated(logger, alertId, step, level, alert.Severity, described);
        notifier.Notify(notice);
        return Status();
    }

    public ValueTask<EscalationStatus> GetStatus() => ValueTask.FromResult(Status());

    public async Task ReceiveReminder(string reminderName, TickStatus status) => await Check();

    private EscalationSubject Subject(AlertView alert)
    {
        var current = state.State;
        var openSince = current.OpenSince ?? alert.RaisedAt;
        var lastFired = current.LastFiredAt;
        if (current.HeldUntil is { } held && held > openSince && policy.TimeoutFor(alert.Severity) is { } timeout)
        {
            // Escalation starts afresh when the hold ends: the next step is one timeout after it, the way the first
            // step follows the opening of an alert.
            openSince = held - (timeout * current.StepsFired);
            lastFired = null;
        }

        return new(alert.Severity, alert.State, openSince, current.StepsFired, lastFired);
    }

    /// <summary>
    /// A step is due (or a hold is running): a silence in force that covers the alert holds the clock until the
    /// silence ends. An alert that a silence held and whose condition cleared meanwhile stays held until the condition
    /// returns: "when the silence ends with the condition still on, escalation starts".
    /// </summary>
    private async Task HoldForSilenceAsync(AlertView alert, int step, DateTimeOffset now)
    {
        var subject = new SilenceSubject(alert.AssetId, alert.Kind, [alert.RegionId, .. regions.Above(alert.RegionId).Select(r => r.RegionId)]);
        var silence = Silence.Covering(await silences.ListAsync(now), subject, now);
        var current = state.State;
        DateTimeOffset? holdUntil = silence is not null ? silence.EffectiveEnd : current.HeldBy is not null && !alert.ConditionActive ? now : null;
        if (holdUntil is null)
        {
            if (current.HeldUntil > now)
            {
                current.HeldUntil = now; // expired early: the clock runs from now
                await state.WriteStateAsync();
            }

            return;
        }

        if (silence is not null && silence.SilenceId != current.HeldBy)
        {
            await alerts.AppendAsync(alert.AlertId, AlertLedgerActions.EscalationSilenced, AlertLedgerActions.SystemActor,
                $"step {step} held by silence {silence.SilenceId} ({silence.Scope.ToString().ToLowerInvariant()} {silence.Target}, " +
                $"{silence.Author}: {silence.Reason}) until {silence.EffectiveEnd:yyyy-MM-ddTHH:mm:ss.fffZ}", now);
            EscalationLog.Silenced(logger, alert.AlertId, step, silence.SilenceId, silence.EffectiveEnd);
            current.HeldBy = silence.SilenceId;
        }

        current.HeldUntil = holdUntil;
        await state.WriteStateAsync();
    }

    private EscalationStatus Status() => new(
        this.GetPrimaryKeyString(), state.State.Tracking, state.State.OpenSince, state.State.StepsFired, state.State.LastFiredAt,
        state.State.Tracking ? _nextDue : null);

    private async Task StopAsync(AlertState? alertState)
    {
        if (state.State.Tracking)
        {
            EscalationLog.Stopped(logger, this.GetPrimaryKeyString(), state.State.StepsFired, alertState?.ToString() ?? "unknown");
            state.State.Tracking = false;
            await state.WriteStateAsync();
        }

        _nextDue = null;
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        DeactivateOnIdle();
    }

    private static string Describe(EscalationRecipient recipient)
    {
        var who = recipient.Name is null ? "(nobody named)" : recipient.Phone is null ? recipient.Name : $"{recipient.Name} {recipient.Phone}";
        return recipient.Kind switch
        {
            RecipientKind.RegionSupervisor => $"supervisor of {recipient.RegionId} {who}",
            RecipientKind.DutyOfficer => $"duty officer {who}",
            _ => $"leader on duty {who}",
        };
    }
}
