using Microsoft.AspNetCore.SignalR;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Domain.Escalation;
using RiskMonitor.Server.Messaging;
using RiskMonitor.Server.Platform.Live;
using RiskMonitor.Storage.Notifications;

namespace RiskMonitor.Server.Escalation;

/// <summary>
/// Delivers the escalation notices of the durable outbox (docs/decisions/0018-notification-outbox.md): SignalR
/// <c>alertEscalated</c> to the groups of the people and roles addressed (user:{name}, role:duty_officer,
/// role:duty_leader, region:{id}), then every <see cref="INotificationChannel"/> (the webhook), then an e-mail and a text
/// message to each named person (<see cref="PeopleMessenger"/>, one outbox entry per person and channel).
/// A notice stays in the outbox until every channel took it; a failed channel is retried with backoff, the channels
/// that took it are not sent it again. <see cref="Notify"/> (called by grains after the outbox write) only wakes the loop.
/// </summary>
internal sealed class NotificationDispatcher(
    IHubContext<RiskHub> hub, IEnumerable<INotificationChannel> channels, INotificationOutbox outbox, TimeProvider time,
    ILogger<NotificationDispatcher> logger, PeopleMessenger? people = null)
    : BackgroundService, INotifier
{
    public const string DutyOfficerRole = "duty_officer";
    public const string DutyLeaderRole = "duty_leader";
    public const string SignalRChannel = "signalr";

    /// <summary>A notice being delivered is not taken again before this (a worker that died holds it no longer).</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    /// <summary>The outbox is also looked at this often without a wake-up: notices of other nodes, retries that fell due.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    /// <summary>After this many failed attempts (about a day with the backoff) the notice is marked failed and logged as an error.</summary>
    public const int MaxAttempts = 150;

    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Notify(EscalationNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // already awake
            }
        }
    }

    /// <summary>The SignalR groups a notice goes to.</summary>
    public static IReadOnlyList<string> GroupsFor(EscalationNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var groups = new List<string>();
        foreach (var recipient in notice.Recipients)
        {
            groups.Add(recipient.Kind switch
            {
                RecipientKind.DutyOfficer => RiskHub.RoleGroup(DutyOfficerRole),
                RecipientKind.DutyLeader => RiskHub.RoleGroup(DutyLeaderRole),
                RecipientKind.ResponsibleParty or RecipientKind.Regulator => RiskHub.OrganisationGroup(recipient.OrganisationId ?? ""),
                _ => RiskHub.RegionGroup(recipient.RegionId ?? notice.Alert.RegionId),
            });
            if (recipient.Name is { } name)
            {
                groups.Add(RiskHub.UserGroup(name));
            }
        }

        return [.. groups.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The wait before attempt n+1 after n failures: 5 s doubling to at most 10 minutes.</summary>
    public static TimeSpan Backoff(int failures) =>
        TimeSpan.FromSeconds(Math.Min(600, 5 * Math.Pow(2, Math.Clamp(failures - 1, 0, 16))));

    /// <summary>One pass over the due notices; returns how many were claimed.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = await outbox.ClaimDueAsync(now, now + Lease, 50, cancellationToken);
        for (var i = 0; i < due.Count; i++)
        {
            try
            {
                await DeliverAsync(due[i], cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Shutting down: hand back what this pass claimed and did not finish, so the next start (or another
                // node) takes it at once rather than when the lease runs out.
                foreach (var unfinished in due.Skip(i))
                {
                    await outbox.MarkFailedAsync(unfinished.NoticeId, unfinished.DeliveredChannels, "interrupted by shutdown", now, now, CancellationToken.None);
                }

                throw;
            }
        }

        return due.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (await DeliverDueAsync(stoppingToken) == 50)
                    {
                        continue; // more waiting
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    EscalationServerLog.OutboxFailed(logger, ex);
                }

                await _wake.WaitAsync(PollInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down; claimed notices not yet delivered are taken again when their lease runs out
        }
    }

    private async Task DeliverAsync(OutboxNotice pending, CancellationToken cancellationToken)
    {
        var notice = pending.Notice;
        var message = EscalationMessage.From(notice);
        var delivered = new List<string>(pending.DeliveredChannels);
        var errors = new List<string>();
        if (!delivered.Contains(SignalRChannel))
        {
            try
            {
                await hub.Clients.Groups(GroupsFor(notice)).SendAsync(RiskHubMethods.AlertEscalated, message, cancellationToken);
                delivered.Add(SignalRChannel);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                EscalationServerLog.DeliveryFailed(logger, ex, SignalRChannel, notice.Alert.AlertId, notice.Step);
                errors.Add($"{SignalRChannel}: {ex.Message}");
            }
        }

        foreach (var channel in channels)
        {
            if (delivered.Contains(channel.Name))
            {
                continue;
            }

            try
            {
                await channel.SendAsync(message, cancellationToken);
                delivered.Add(channel.Name);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                EscalationServerLog.DeliveryFailed(logger, ex, channel.Name, notice.Alert.AlertId, notice.Step);
                errors.Add($"{channel.Name}: {ex.Message}");
            }
        }

        if (people is not null)
        {
            await people.SendAsync(pending.NoticeId, message, delivered, errors, cancellationToken);
        }

        var now = time.GetUtcNow();
        if (errors.Count == 0)
        {
            await outbox.MarkDeliveredAsync(pending.NoticeId, delivered, now, CancellationToken.None);
            return;
        }

        var failures = pending.Attempts + 1;
        DateTimeOffset? next = failures >= MaxAttempts ? null : now + Backoff(failures);
        if (next is null)
        {
            EscalationServerLog.GaveUp(logger, notice.Alert.AlertId, notice.Step, failures, string.Join("; ", errors));
        }

        await outbox.MarkFailedAsync(pending.NoticeId, delivered, string.Join("; ", errors), now, next, CancellationToken.None);
    }
}

/// <summary>A way to reach people outside the browser (webhook, SMS gateway, voice calls).</summary>
internal interface INotificationChannel
{
    string Name { get; }

    Task SendAsync(EscalationMessage message, CancellationToken cancellationToken);
}

/// <summary>The payload of <c>alertEscalated</c> and of the webhook.</summary>
internal sealed record EscalationMessage(
    string AlertId,
    int Step,
    int Level,
    DateTimeOffset At,
    IReadOnlyList<EscalationRecipient> Recipients,
    Contracts.Alerts.AlertView Alert)
{
    /// <summary>A grid escalation step, or a notice of the responsibility chain (<see cref="NoticeKind"/>).</summary>
    public NoticeKind Kind { get; init; }

    public static EscalationMessage From(EscalationNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        return new(notice.Alert.AlertId, notice.Step, notice.Level, notice.At, notice.Recipients, notice.Alert) { Kind = notice.Kind };
    }
}
