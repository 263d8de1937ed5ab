using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Domain.Escalation;
using RiskMonitor.Server.Hubs;

namespace RiskMonitor.Server.Escalation;

/// <summary>
/// Takes escalation notices from grains without blocking them and delivers them from a background loop: SignalR
/// <c>alertEscalated</c> to the groups of the people and roles addressed (user:{name}, role:duty_officer,
/// role:duty_leader, region:{id}), then every <see cref="INotificationChannel"/> (the webhook; SMS or voice gateways).
/// </summary>
internal sealed class NotificationDispatcher(
    IHubContext<RiskHub> hub, IEnumerable<INotificationChannel> channels, ILogger<NotificationDispatcher> logger)
    : BackgroundService, INotifier
{
    public const string DutyOfficerRole = "duty_officer";
    public const string DutyLeaderRole = "duty_leader";

    private readonly Channel<EscalationNotice> _notices = Channel.CreateUnbounded<EscalationNotice>(new UnboundedChannelOptions { SingleReader = true });

    public void Notify(EscalationNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        _notices.Writer.TryWrite(notice);
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
                _ => RiskHub.RegionGroup(recipient.RegionId ?? notice.Alert.RegionId),
            });
            if (recipient.Name is { } name)
            {
                groups.Add(RiskHub.UserGroup(name));
            }
        }

        return [.. groups.Distinct(StringComparer.Ordinal)];
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var notice in _notices.Reader.ReadAllAsync(stoppingToken))
            {
                var message = EscalationMessage.From(notice);
                try
                {
                    await hub.Clients.Groups(GroupsFor(notice)).SendAsync(RiskHubMethods.AlertEscalated, message, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    EscalationServerLog.DeliveryFailed(logger, ex, "signalr", notice.Alert.AlertId, notice.Step);
                }

                foreach (var channel in channels)
                {
                    try
                    {
                        await channel.SendAsync(message, stoppingToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        EscalationServerLog.DeliveryFailed(logger, ex, channel.Name, notice.Alert.AlertId, notice.Step);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }
}

/// <summary>A way to reach people outside the browser (webhook, SMS gateway, voice calls).</summary>
public interface INotificationChannel
{
    string Name { get; }

    Task SendAsync(EscalationMessage message, CancellationToken cancellationToken);
}

/// <summary>The payload of <c>alertEscalated</c> and of the webhook.</summary>
public sealed record EscalationMessage(
    string AlertId,
    int Step,
    int Level,
    DateTimeOffset At,
    IReadOnlyList<EscalationRecipient> Recipients,
    Contracts.Alerts.AlertView Alert)
{
    public static EscalationMessage From(EscalationNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        return new(notice.Alert.AlertId, notice.Step, notice.Level, notice.At, notice.Recipients, notice.Alert);
    }
}
