using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using RiskMonitor.Domain.Incidents;
using RiskMonitor.Domain.Messaging;
using RiskMonitor.Server.Escalation;
using RiskMonitor.Server.Messaging;
using RiskMonitor.Server.Platform.Live;
using RiskMonitor.Storage.Duty;
using RiskMonitor.Storage.Incidents;

namespace RiskMonitor.Server.Incidents;

/// <summary>A reporting clock pushed to the duty room and the leader on duty (hub method <c>incidentClock</c>).</summary>
internal sealed record IncidentClockNotice(
    string IncidentId, string Title, bool Exercise, IncidentGrade Grade, string Clock, AdministrativeLevel? Level, LadderClockStatus Status,
    DateTimeOffset Due, string? LeaderOnDuty, string Message);

/// <summary>
/// Pushes reporting clocks without anyone opening a page: every <see cref="IncidentClockOptions.CheckInterval"/> it reads
/// the open incidents from the store and, for each clock the ladder says is due soon or missed and that has not been
/// pushed, writes a mark (ledger line <c>clock_due_soon</c> / <c>clock_missed</c>, the 迟报 kept for ever) and then
/// tells the duty room and the leader on duty over the hub and, by e-mail and text, through the record outbox (decision
/// 0042). The store's optimistic write decides which node pushes when several run; a node that dies between the write
/// and the queueing loses that one push, never the mark (the page shows it).
/// The state is the store's, so nothing is lost on restart and no reminder is needed (decision 0037).
/// </summary>
internal sealed class IncidentClockWatcher(
    IIncidentStore store, IDutyRoster roster, IHubContext<RiskHub> hub, RecordMessageSender messages, IOptions<IncidentClockOptions> options,
    [FromKeyedServices(IncidentsModule.TimeKey)] TimeProvider time, ILogger<IncidentClockWatcher> logger) : BackgroundService
{
    public const string HubMethod = "incidentClock";

    /// <summary>What every message about a drill starts with, so nobody mistakes it for a real incident.</summary>
    public const string ExercisePrefix = Domain.Drills.Exercise.Label;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            using var timer = new PeriodicTimer(options.Value.CheckInterval, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await CheckAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    IncidentServerLog.CheckFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    /// <summary>One pass; returns the number of clocks pushed.</summary>
    public async Task<int> CheckAsync(CancellationToken cancellationToken)
    {
        var pushed = 0;
        foreach (var incident in await store.ListAsync(openOnly: true, limit: 10_000, cancellationToken))
        {
            var now = time.GetUtcNow();
            var due = IncidentWorkflow.ClocksToPush(incident, now);
            if (due.Count == 0)
            {
                continue;
            }

            var shift = await roster.OnDutyAsync(now, cancellationToken);
            IReadOnlyList<string> told = shift is null ? ["duty_room"] : ["duty_room", $"officer:{shift.Officer}", $"leader:{shift.Leader}"];
            var marks = due.Select(c => new ClockMark(c.Key, c.Status, now, told)).ToList();
            var step = IncidentWorkflow.Mark(incident, marks, now);
            var note = string.Join("; ", due.Select(c => $"{c.Key} {(c.Status == LadderClockStatus.Overdue ? "迟报 missed" : "due soon")} (due {c.Due:u})"));
            if (!await store.RecordAsync(incident, step.After!, step.Action!, "system", note, now, cancellationToken))
            {
                continue; // changed meanwhile (a report, or another node's mark): looked at again next pass
            }

            foreach (var clock in due)
            {
                var notice = Notice(incident, clock, shift?.Leader);
                IReadOnlyList<string> groups = shift is null
                    ? [RiskHub.RoleGroup(NotificationDispatcher.DutyOfficerRole), RiskHub.RoleGroup(NotificationDispatcher.DutyLeaderRole)]
                    : [RiskHub.RoleGroup(NotificationDispatcher.DutyOfficerRole), RiskHub.RoleGroup(NotificationDispatcher.DutyLeaderRole),
                       RiskHub.UserGroup(shift.Officer), RiskHub.UserGroup(shift.Leader)];
                await hub.Clients.Groups(groups).SendAsync(HubMethod, notice, cancellationToken);
                // And by e-mail and text to the officer and the leader on duty, retried until they go (decision 0042).
                await messages.EnqueueAsync(RecordMessage.IncidentClock(incident, clock, shift, notice.Message, now), cancellationToken);
                if (clock.Status == LadderClockStatus.Overdue)
                {
                    IncidentServerLog.ClockMissed(logger, incident.IncidentId, clock.Key, clock.Due, shift?.Leader ?? "(no leader on the roster)");
                }

                pushed++;
            }
        }

        return pushed;
    }

    private static IncidentClockNotice Notice(IncidentRecord incident, LadderClock clock, string? leader)
    {
        var what = clock.Level is { } level ? $"首报 to {level}" : "续报 follow-up";
        var message = clock.Status == LadderClockStatus.Overdue
            ? $"迟报 LATE: {what} for {incident.Title} was due {clock.Due:u} and has not been made"
            : $"{what} for {incident.Title} is due {clock.Due:u}";
        return new IncidentClockNotice(incident.IncidentId, incident.Title, incident.Exercise, incident.Grade, clock.Key, clock.Level, clock.Status,
            clock.Due, leader, (incident.Exercise ? ExercisePrefix : "") + message);
    }
}

internal static partial class IncidentServerLog
{
    [LoggerMessage(EventId = 4700, Level = LogLevel.Warning, Message = "Incident {IncidentId} clock {Clock} due {Due} missed (迟报); pushed to leader on duty {Leader}")]
    public static partial void ClockMissed(ILogger logger, string incidentId, string clock, DateTimeOffset due, string leader);

    [LoggerMessage(EventId = 4701, Level = LogLevel.Warning, Message = "Checking incident reporting clocks failed; it runs again at the next interval")]
    public static partial void CheckFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4702, Level = LogLevel.Information, Message = "Incident {IncidentId} opened as {Grade} by {Actor}")]
    public static partial void Opened(ILogger logger, string incidentId, IncidentGrade grade, string actor);

    [LoggerMessage(EventId = 4703, Level = LogLevel.Information, Message = "Incident {IncidentId} re-graded {From} -> {To}")]
    public static partial void Regraded(ILogger logger, string incidentId, IncidentGrade from, IncidentGrade to);
}
