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
/// The escalation clocks (DESIGN.md §6) of the open alerts that hash to this shard. A clock costs memory only: the
/// shard's clocks are written behind as one state (at most once a second), one durable reminder per shard wakes it
/// after a restart, and a grain timer wakes it when the next clock falls due. The alert's state is read from the
/// alert store before a step fires, so an acknowledgement made anywhere stops it; the pure <see cref="EscalationPolicy"/>
/// and <see cref="EscalationClock"/> decide; each step is written to the alert's ledger, then notified
/// (docs/decisions/0034-escalation-clock-shards.md).
/// </summary>
internal sealed class EscalationShardGrain(
    [PersistentState("escalation", GrainStorage.Name)] IPersistentState<EscalationShardState> state,
    IAlertStore alerts,
    IDutyRoster roster,
    IRegionChain regions,
    INotifier notifier,
    ISilenceStore silences,
    EscalationPolicy policy,
    TimeProvider time,
    ILogger<EscalationShardGrain> logger) : Grain, IEscalationShardGrain, IRemindable
{
    public const string ReminderName = "escalate";

    // Orleans refuses reminder periods below ReminderOptions.MinimumReminderPeriod (1 minute). The reminder only brings
    // the shard back after a restart or a node's death; the grain timer fires the steps on time.
    private static readonly TimeSpan TickPeriod = TimeSpan.FromMinutes(1);

    // A held clock is looked at this often, so a silence ended early lets it run within a minute (as the reminder did).
    private static readonly TimeSpan HoldRecheck = TimeSpan.FromMinutes(1);

    // After a failed check (PostgreSQL down) the clock is looked at again after this, not in a loop.
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, EscalationClock> _clocks = new(StringComparer.Ordinal);

    // When each clock is next looked at. The queue may hold stale entries: one counts only while it matches _wakeAt.
    private readonly Dictionary<string, DateTimeOffset> _wakeAt = new(StringComparer.Ordinal);
    private readonly PriorityQueue<string, DateTimeOffset> _wakeups = new();

    // Clocks whose step count was compared with the ledger (or that opened in this activation): the rest are compared
    // once, before their next step fires, so a step written before a crash does not fire twice.
    private readonly HashSet<string> _countedFromLedger = new(StringComparer.Ordinal);

    private StateWriteBehind _writer = null!; // set on activation
    private IGrainTimer? _timer;
    private DateTimeOffset? _timerAt;
    private DateTimeOffset _reminderRetryAt = DateTimeOffset.MinValue;
    private bool _reminderRegistered;

    private int Shard => (int)this.GetPrimaryKeyLong();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _writer = new StateWriteBehind(WriteStateAsync, () => state.ReadStateAsync(), time, logger, $"escalation/{Shard}", TimeSpan.FromSeconds(1));
        var now = time.GetUtcNow();
        foreach (var (alertId, stored) in state.State.Clocks)
        {
            if (EscalationClocks.ShardOf(alertId) != Shard)
            {
                continue; // the shard count changed: the escalation sweep tracks it in its new shard
            }

            var clock = stored.ToClock();
            _clocks[alertId] = clock;
            Schedule(alertId, WakeOf(clock, policy.Decide(clock, AlertState.Open, now), now));
        }

        ArmTimer();
        if (_clocks.Count > 0)
        {
            await EnsureReminderAsync();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        await _writer.FlushAndStopAsync(TimeSpan.FromSeconds(5));

    public async ValueTask Track(AlertView alert, DateTimeOffset? openedAt)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (TrackOne(alert, openedAt))
        {
            await CheckDueAsync(); // overdue already (the server was down when the step fell due): fire now
        }

        ArmTimer();
        await EnsureReminderAsync();
    }

    public async ValueTask TrackAll(IReadOnlyList<AlertView> alerts)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        var due = false;
        foreach (var alert in alerts)
        {
            due |= TrackOne(alert, null);
        }

        if (due)
        {
            await CheckDueAsync();
        }

        ArmTimer();
        await EnsureReminderAsync();
    }

    public async ValueTask<EscalationStatus> Check(string alertId)
    {
        var status = await CheckOneAsync(alertId, new Tick(silences, roster, time.GetUtcNow()));
        ArmTimer();
        return status;
    }

    public async ValueTask<EscalationStatus> GetStatus(string alertId)
    {
        if (!_clocks.TryGetValue(alertId, out var clock))
        {
            return EscalationStatus.NotTracking(alertId);
        }

        if (!_countedFromLedger.Contains(alertId) && policy.MayHaveFired(clock, time.GetUtcNow()))
        {
            clock = await CountFromLedgerAsync(alertId, clock); // old enough to have fired a step this activation does not know
        }

        var now = time.GetUtcNow();
        return Status(alertId, clock, policy.Decide(clock, AlertState.Open, now).NextDue);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => CheckDueAsync();

    /// <summary>Starts, moves or stops one clock in memory; true when a step is due at once.</summary>
    private bool TrackOne(AlertView alert, DateTimeOffset? openedAt)
    {
        if (!policy.Runs(alert.State, alert.Severity))
        {
            Stop(alert.AlertId, alert.State);
            return false;
        }

        _clocks.TryGetValue(alert.AlertId, out var current);
        var clock = EscalationClock.Track(current, alert.Severity, alert.RaisedAt, openedAt);
        if (ReferenceEquals(clock, current))
        {
            return false;
        }

        if (clock.OpenedFreshAt(openedAt))
        {
            _countedFromLedger.Add(alert.AlertId); // opened just now: the ledger has no step since
        }

        Store(alert.AlertId, clock);
        var now = time.GetUtcNow();
        var decision = policy.Decide(clock, AlertState.Open, now);
        Schedule(alert.AlertId, WakeOf(clock, decision, now));
        return decision.FireStep is not null;
    }

    /// <summary>Looks at every clock that is due; the timer and the reminder call it.</summary>
    private async Task CheckDueAsync()
    {
        var tick = new Tick(silences, roster, time.GetUtcNow());
        var due = new List<string>();
        while (_wakeups.TryPeek(out var alertId, out var at) && at <= tick.Now)
        {
            _wakeups.Dequeue();
            if (_wakeAt.TryGetValue(alertId, out var wake) && wake == at)
            {
                _wakeAt.Remove(alertId);
                due.Add(alertId);
            }
        }

        foreach (var alertId in due)
        {
            try
            {
                await CheckOneAsync(alertId, tick);
            }
            catch (Exception ex)
            {
                EscalationLog.CheckFailed(logger, ex, alertId, RetryAfterFailure);
                if (_clocks.ContainsKey(alertId))
                {
                    Schedule(alertId, tick.Now + RetryAfterFailure);
                }
            }
        }

        ArmTimer();
    }

    private async Task<EscalationStatus> CheckOneAsync(string alertId, Tick tick)
    {
        if (!_clocks.TryGetValue(alertId, out var clock))
        {
            return EscalationStatus.NotTracking(alertId);
        }

        var alert = await alerts.FindAsync(alertId);
        if (alert is null)
        {
            Stop(alertId, null);
            return EscalationStatus.NotTracking(alertId);
        }

        var now = tick.Now;
        clock = EscalationClock.Track(clock, alert.Severity, alert.RaisedAt, null);
        var decision = policy.Decide(clock, alert.State, now);
        if (decision.Done)
        {
            Stop(alertId, alert.State);
            return Status(alertId, clock, null) with { Tracking = false };
        }

        if (decision.ConsultSilences)
        {
            var subject = new SilenceSubject(alert.AssetId, alert.Kind, [alert.RegionId, .. regions.Above(alert.RegionId).Select(r => r.RegionId)]);
            var silence = Silence.Covering(await tick.SilencesAsync(), subject, now);
            var held = clock.Hold(silence, alert.ConditionActive, now, out var newSilence);
            if (newSilence)
            {
                var step = clock.StepsFired + 1;
                await alerts.AppendAsync(alertId, AlertLedgerActions.EscalationSilenced, AlertLedgerActions.SystemActor,
                    $"step {step} held by silence {silence!.SilenceId} ({silence.Scope.ToString().ToLowerInvariant()} {silence.Target}, " +
                    $"{silence.Author}: {silence.Reason}) until {silence.EffectiveEnd:yyyy-MM-ddTHH:mm:ss.fffZ}", now);
                EscalationLog.Silenced(logger, alertId, step, silence.SilenceId, silence.EffectiveEnd);
            }

            clock = held;
            decision = policy.Decide(clock, alert.State, now);
        }

        if (decision.FireStep is not null && !_countedFromLedger.Contains(alertId))
        {
            clock = await CountFromLedgerAsync(alertId, clock);
            decision = policy.Decide(clock, alert.State, now);
        }

        var wake = WakeOf(clock, decision, now);
        if (decision.FireStep is { } fire)
        {
            clock = await FireAsync(alert, clock, fire, tick);
            decision = policy.Decide(clock, alert.State, now);

            // One step per look: were the policy ever to call for another at once, it waits a tick instead of looping.
            wake = decision.FireStep is null ? WakeOf(clock, decision, now) : now + TickPeriod;
        }

        Store(alertId, clock);
        Schedule(alertId, wake);
        return Status(alertId, clock, decision.NextDue);
    }

    private async Task<EscalationClock> FireAsync(AlertView alert, EscalationClock clock, int step, Tick tick)
    {
        var level = policy.LevelOf(step);
        var recipients = EscalationTargets.For(level, alert.Severity, regions.Above(alert.RegionId), await tick.ShiftAsync());
        var described = string.Join("; ", recipients.Select(Describe));

        // The ledger line (the record that the step happened, what a new activation counts) and the notice in the outbox
        // go in one write of the alert journal, then this shard's state; the notifier only wakes the delivery worker. A
        // crash anywhere after the write loses nothing: the worker delivers what the outbox holds
        // (docs/decisions/0018-notification-outbox.md).
        var notice = new EscalationNotice(alert, step, level, recipients, tick.Now);
        await alerts.AppendEscalationAsync(alert.AlertId, $"step {step}, level {level}: {described}", notice, tick.Now);
        EscalationLog.Escalated(logger, alert.AlertId, step, level, alert.Severity, described);
        notifier.Notify(notice);
        return clock with { StepsFired = step, LastFiredAt = tick.Now };
    }

    private async Task<EscalationClock> CountFromLedgerAsync(string alertId, EscalationClock clock)
    {
        var fired = (await alerts.HistoryAsync(alertId))
            .Where(e => e.Action == AlertLedgerActions.Escalated && e.At >= clock.OpenSince).ToList();
        _countedFromLedger.Add(alertId);
        var counted = clock.WithLedgerSteps(fired.Count, fired.Count > 0 ? fired[^1].At : null);
        if (!ReferenceEquals(counted, clock))
        {
            EscalationLog.Reconciled(logger, alertId, fired.Count, clock.StepsFired);
            Store(alertId, counted);
        }

        return counted;
    }

    private static DateTimeOffset? WakeOf(EscalationClock clock, EscalationDecision decision, DateTimeOffset now)
    {
        if (decision.Done)
        {
            return null;
        }

        var wake = decision.FireStep is not null ? now : decision.NextDue;
        return clock.HoldRunning(now) && (wake is null || wake > now + HoldRecheck) ? now + HoldRecheck : wake;
    }

    private void Store(string alertId, EscalationClock clock)
    {
        if (!_clocks.TryGetValue(alertId, out var current) || current != clock)
        {
            _clocks[alertId] = clock;
            _writer.Request();
        }
    }

    private void Stop(string alertId, AlertState? alertState)
    {
        _wakeAt.Remove(alertId);
        _countedFromLedger.Remove(alertId);
        if (_clocks.Remove(alertId, out var clock))
        {
            EscalationLog.Stopped(logger, alertId, clock.StepsFired, alertState?.ToString() ?? "unknown");
            _writer.Request();
        }
    }

    private void Schedule(string alertId, DateTimeOffset? wake)
    {
        if (wake is not { } at)
        {
            _wakeAt.Remove(alertId);
            return;
        }

        if (!_wakeAt.TryGetValue(alertId, out var current) || current != at)
        {
            _wakeAt[alertId] = at;
            _wakeups.Enqueue(alertId, at);
        }
    }

    /// <summary>Sets the grain timer to the earliest wake-up (dropping stale queue entries first).</summary>
    private void ArmTimer()
    {
        while (_wakeups.TryPeek(out var alertId, out var at) && (!_wakeAt.TryGetValue(alertId, out var wake) || wake != at))
        {
            _wakeups.Dequeue();
        }

        DateTimeOffset? next = _wakeups.TryPeek(out _, out var first) ? first : null;
        if (next == _timerAt)
        {
            return;
        }

        _timerAt = next;
        var dueIn = next is { } n ? n - time.GetUtcNow() : Timeout.InfiniteTimeSpan;
        if (next is not null && dueIn < TimeSpan.Zero)
        {
            dueIn = TimeSpan.Zero;
        }

        if (_timer is null)
        {
            _timer = this.RegisterGrainTimer(
                static (shard, _) => shard.OnTimerAsync(), this, new GrainTimerCreationOptions(dueIn, Timeout.InfiniteTimeSpan) { KeepAlive = true });
        }
        else
        {
            _timer.Change(dueIn, Timeout.InfiniteTimeSpan);
        }
    }

    private Task OnTimerAsync()
    {
        _timerAt = null;
        return CheckDueAsync();
    }

    /// <summary>One reminder per shard, registered the first time the shard runs a clock (and kept).</summary>
    private async Task EnsureReminderAsync()
    {
        var now = time.GetUtcNow();
        if (_reminderRegistered || _clocks.Count == 0 || now < _reminderRetryAt)
        {
            return;
        }

        try
        {
            if (await this.GetReminder(ReminderName) is null)
            {
                await this.RegisterOrUpdateReminder(ReminderName, TickPeriod, TickPeriod);
            }

            _reminderRegistered = true;
        }
        catch (Exception ex)
        {
            // PostgreSQL down: the clocks run on the timer meanwhile; try again later rather than on every call.
            _reminderRetryAt = now + RetryAfterFailure;
            EscalationLog.ReminderFailed(logger, ex, Shard, RetryAfterFailure);
        }
    }

    private Task WriteStateAsync()
    {
        state.State.Clocks = _clocks.ToDictionary(c => c.Key, c => StoredEscalationClock.From(c.Value), StringComparer.Ordinal);
        return state.WriteStateAsync();
    }

    private static EscalationStatus Status(string alertId, EscalationClock clock, DateTimeOffset? nextDue) =>
        new(alertId, true, clock.OpenSince, clock.StepsFired, clock.LastFiredAt, nextDue);

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

    /// <summary>What one pass over the due clocks reads once: the time, the silences in force and the shift on duty.</summary>
    private sealed class Tick(ISilenceStore silences, IDutyRoster roster, DateTimeOffset now)
    {
        private IReadOnlyList<Silence>? _silences;
        private Task<DutyShift?>? _shift;

        public DateTimeOffset Now => now;

        public async Task<IReadOnlyList<Silence>> SilencesAsync() => _silences ??= await silences.ListAsync(now);

        public Task<DutyShift?> ShiftAsync() => _shift ??= roster.OnDutyAsync(now);
    }
}
