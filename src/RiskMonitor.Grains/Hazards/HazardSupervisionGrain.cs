using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using RiskMonitor.Contracts.Hazards;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Domain.Escalation;
using RiskMonitor.Domain.Hazards;
using RiskMonitor.Storage.Drills;
using RiskMonitor.Storage.Duty;
using RiskMonitor.Storage.Hazards;

namespace RiskMonitor.Grains.Hazards;

/// <summary>How often the hazard watch looks at the overdue listed hazards (<c>Hazards:OverdueCheckInterval</c>).</summary>
public sealed record HazardWatchSettings(TimeSpan CheckEvery);

/// <summary>
/// Pushes every overdue listed hazard (挂牌督办) to its supervising department and the duty room, repeated, with nobody
/// opening a page (docs/decisions/0038-hazard-supervision-and-tip-line.md). The schedule is the pure
/// <see cref="HazardOverduePolicy"/>; what was pushed is on the hazard itself (<see cref="Hazard.OverdueEscalations"/>)
/// and its ledger, written optimistically, so a restart, a second node or a retry never pushes a step twice. A durable
/// reminder (once a minute, Orleans' floor) brings the watch back after a restart; a grain timer looks at the
/// configured pace in between.
/// </summary>
internal sealed class HazardSupervisionGrain(
    IHazardStore hazards,
    IDutyRoster roster,
    IHazardNotifier notifier,
    HazardOverduePolicy policy,
    HazardWatchSettings settings,
    IDrillStore drills,
    TimeProvider time,
    ILogger<HazardSupervisionGrain> logger) : Grain, IHazardSupervisionGrain, IRemindable
{
    public const string ReminderName = "hazard-overdue";

    /// <summary>The ledger action (and feed event <c>hazard.overdue_escalated</c>) of one push.</summary>
    public const string EscalatedAction = "overdue_escalated";

    public const string SystemActor = "system";

    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    private IGrainTimer? _timer;
    private bool _reminderRegistered;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Timer callbacks do not interleave with calls (the grain is not reentrant), so a slow pass is never run twice at once.
        _timer = this.RegisterGrainTimer(
            static (grain, _) => grain.TickAsync(), this, new GrainTimerCreationOptions(settings.CheckEvery, settings.CheckEvery) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public async ValueTask Start()
    {
        if (_reminderRegistered)
        {
            return;
        }

        await this.RegisterOrUpdateReminder(ReminderName, ReminderPeriod, ReminderPeriod);
        _reminderRegistered = true;
        HazardWatchLog.Started(logger, settings.CheckEvery, policy.RepeatEvery);
    }

    public async ValueTask<int> CheckNow() => await CheckAsync();

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _reminderRegistered = true; // it fired, so it is registered
        return TickAsync();
    }

    private async Task TickAsync()
    {
        try
        {
            await CheckAsync();
        }
        catch (Exception ex)
        {
            // PostgreSQL down: the next tick tries again; nothing was pushed that is not on the ledger.
            HazardWatchLog.CheckFailed(logger, ex, settings.CheckEvery);
        }
    }

    private async Task<int> CheckAsync()
    {
        var now = time.GetUtcNow();
        var overdue = await hazards.QueryAsync(new HazardQuery(Level: HazardLevel.Major, OverdueAt: now, Limit: 10_000));
        DutyShift? shift = null;
        var shiftRead = false;
        var pushed = 0;
        var drillRuns = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var hazard in overdue)
        {
            if (policy.Decide(hazard, now).FireStep is not { } step)
            {
                continue;
            }

            // A drill's hazard rehearses the pushes while its drill runs; after the drill nobody is paged for it (decision 0049).
            if (hazard.DrillId is { } drillId && !(drillRuns.TryGetValue(drillId, out var runs)
                    ? runs
                    : drillRuns[drillId] = (await drills.FindAsync(drillId))?.IsRunning == true))
            {
                continue;
            }

            if (!shiftRead)
            {
                shift = await roster.OnDutyAsync(now);
                shiftRead = true;
            }

            var recipients = HazardOverduePolicy.RecipientsOf(hazard, step, shift);
            var after = hazard with { OverdueEscalations = step, LastEscalatedAt = now, UpdatedAt = now };
            var described = string.Join("; ", recipients.Select(Describe));
            var note = $"overdue since {hazard.Deadline:yyyy-MM-ddTHH:mm:ssZ}, push {step}: {described}";
            if (!await hazards.RecordAsync(hazard, after, EscalatedAction, SystemActor, note, now))
            {
                continue; // moved meanwhile (a step, or another node's push): looked at again on the next tick
            }

            HazardWatchLog.Escalated(logger, hazard.HazardId, step, described);
            notifier.Overdue(new HazardOverdueNotice(after, step, recipients, now));
            pushed++;
        }

        return pushed;
    }

    private static string Describe(HazardRecipient recipient)
    {
        var who = recipient.Name is null ? "(nobody named)" : recipient.Phone is null ? recipient.Name : $"{recipient.Name} {recipient.Phone}";
        return recipient.Kind switch
        {
            HazardRecipientKind.SupervisingDepartment => $"supervising department {who}",
            HazardRecipientKind.DutyOfficer => $"duty officer {who}",
            _ => $"leader on duty {who}",
        };
    }
}

internal static partial class HazardWatchLog
{
    [LoggerMessage(EventId = 2760, Level = LogLevel.Information, Message = "Hazard watch started: overdue listed hazards looked at every {CheckEvery}, pushed again every {RepeatEvery}")]
    public static partial void Started(ILogger logger, TimeSpan checkEvery, TimeSpan repeatEvery);

    [LoggerMessage(EventId = 2761, Level = LogLevel.Warning, Message = "Listed hazard {HazardId} is overdue: push {Step} to {Recipients}")]
    public static partial void Escalated(ILogger logger, string hazardId, int step, string recipients);

    [LoggerMessage(EventId = 2762, Level = LogLevel.Warning, Message = "Hazard watch pass failed; the next runs in {CheckEvery}")]
    public static partial void CheckFailed(ILogger logger, Exception exception, TimeSpan checkEvery);
}
