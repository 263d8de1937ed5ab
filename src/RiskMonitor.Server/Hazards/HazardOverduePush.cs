using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Domain.Messaging;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Server.Escalation;
using RiskMonitor.Server.Messaging;
using RiskMonitor.Server.Platform.Live;

namespace RiskMonitor.Server.Hazards;

/// <summary>
/// Sends <c>hazardOverdue</c> on the hub to the duty room (the duty officer and, from push 2, the leader on duty) and to
/// every wall that may see the hazard (its region's scope groups and the city's), so the hazard layer turns at once.
/// The push is already on the hazard's ledger and in the integration feed (<c>hazard.overdue_escalated</c>), which is
/// how the supervising department's own system hears it; the hub message is the live copy, and the people named get an
/// e-mail and a text through the record outbox.
/// </summary>
internal sealed class HazardOverduePush(
    IHubContext<RiskHub> hub, Registry.LiveRegistry registry, RecordMessageSender messages, IOptionsMonitor<MessagingOptions> messaging,
    ILogger<HazardOverduePush> logger)
    : IHazardNotifier
{
    public const string Method = "hazardOverdue";

    public void Overdue(HazardOverdueNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        _ = SendAsync(notice); // a grain calls this: queue and return
    }

    public IReadOnlyList<string> GroupsFor(HazardOverdueNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var groups = new List<string> { RiskHub.CityScopeGroup, RiskHub.RoleGroup(NotificationDispatcher.DutyOfficerRole) };
        if (notice.Step >= 2)
        {
            groups.Add(RiskHub.RoleGroup(NotificationDispatcher.DutyLeaderRole));
        }

        if (notice.Hazard.RegionId is { } regionId)
        {
            groups.Add(RiskHub.ScopeGroup(regionId));
            groups.AddRange(registry.Current.Map.Index.AncestorsOf(regionId).Select(r => RiskHub.ScopeGroup(r.Id)));
        }

        return groups;
    }

    private async Task SendAsync(HazardOverdueNotice notice)
    {
        try
        {
            await hub.Clients.Groups(GroupsFor(notice)).SendAsync(Method, new HazardOverdueMessage(notice.Hazard.HazardId, notice.Step, notice.At, notice.Recipients, notice.Hazard));
        }
        catch (Exception ex)
        {
            HazardServerLog.PushFailed(logger, ex, notice.Hazard.HazardId, notice.Step);
        }

        // The people named get an e-mail and a text through the record outbox, retried until they go (decision 0042).
        await messages.EnqueueAsync(
            RecordMessage.HazardOverdue(notice.Hazard, notice.Step, notice.Recipients, notice.At, messaging.CurrentValue.UtcOffset), CancellationToken.None);
    }
}

/// <summary>The payload of <c>hazardOverdue</c>.</summary>
internal sealed record HazardOverdueMessage(
    string HazardId, int Step, DateTimeOffset At, IReadOnlyList<Domain.Hazards.HazardRecipient> Recipients, Domain.Hazards.Hazard Hazard);
