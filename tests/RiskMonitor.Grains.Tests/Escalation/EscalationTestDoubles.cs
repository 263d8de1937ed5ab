using System.Collections.Concurrent;
using RiskMonitor.Contracts.Escalation;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Domain.Escalation;

namespace RiskMonitor.Grains.Tests;

public sealed class RecordingNotifier : INotifier
{
    private readonly ConcurrentQueue<EscalationNotice> _notices = new();

    public IReadOnlyList<EscalationNotice> For(string alertId) => [.. _notices.Where(n => n.Alert.AlertId == alertId)];

    public void Notify(EscalationNotice notice) => _notices.Enqueue(notice);
}

/// <summary>The test assets sit in region d-test, under a street and a district.</summary>
public sealed class FixedRegionChain : IRegionChain
{
    public IReadOnlyList<RegionContact> Above(string regionId) => regionId == "d-test"
        ? [new RegionContact("street-t", "王街道", "13800000001"), new RegionContact("district-t", "李区", null)]
        : [];
}
