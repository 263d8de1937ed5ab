using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.SignalR.Client;

namespace RiskMonitor.Load.Deployed;

/// <summary>One alert event as the wall display received it on <c>/hubs/risk</c>.</summary>
public readonly record struct HubEvent(string Name, string AssetId, string RuleId, bool ConditionActive, DateTimeOffset ReadingTime, long ReceivedAtTicks);

/// <summary>
/// Turns hub events into alert changes. <c>alertRaised</c> and <c>alertCleared</c> are changes by definition (a
/// repeat is a duplicate). <c>alertUpdated</c> with the condition on is a change (a return) only the first time its
/// reading is seen: the same alert is pushed again with the same reading when it joins an incident or starts
/// flapping, and those pushes are not changes. Anything else is counted as another update.
/// </summary>
public static class HubChanges
{
    public const string MethaneRule = "ch4_lel.high";

    public static List<ObservedChange> From(IEnumerable<HubEvent> events, out long otherUpdates)
    {
        ArgumentNullException.ThrowIfNull(events);
        var changes = new List<ObservedChange>();
        var raisesSeen = new HashSet<(int, long)>();
        otherUpdates = 0;
        foreach (var e in events)
        {
            var asset = AssetIndex(e.AssetId);
            var ts = e.ReadingTime.ToUnixTimeMilliseconds();
            switch (e.Name)
            {
                case "alertRaised":
                    raisesSeen.Add((asset, ts));
                    changes.Add(new ObservedChange(asset, ts, ChangeKind.Raise, e.ReceivedAtTicks));
                    break;
                case "alertCleared":
                    changes.Add(new ObservedChange(asset, ts, ChangeKind.Clear, e.ReceivedAtTicks));
                    break;
                case "alertUpdated" when e.ConditionActive && raisesSeen.Add((asset, ts)):
                    changes.Add(new ObservedChange(asset, ts, ChangeKind.Raise, e.ReceivedAtTicks));
                    break;
                default:
                    otherUpdates++;
                    break;
            }
        }

        return changes;
    }

    /// <summary><c>lp-0000123</c> -> 123; -1 for an asset the harness did not generate.</summary>
    public static int AssetIndex(string assetId) =>
        assetId is not null && assetId.StartsWith("lp-", StringComparison.Ordinal)
        && int.TryParse(assetId.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : -1;
}

/// <summary>The wall display's connection to <c>/hubs/risk</c>, signed in with a token; records every alert event with its arrival time.</summary>
internal sealed class HubRecorder : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly ConcurrentQueue<HubEvent> _events = new();

    public HubRecorder(Uri baseUrl, string token)
    {
        _connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseUrl, "hubs/risk"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        foreach (var name in new[] { "alertRaised", "alertUpdated", "alertCleared" })
        {
            _connection.On<ObservedAlert>(name, alert =>
                _events.Enqueue(new HubEvent(name, alert.AssetId, alert.RuleId, alert.ConditionActive, alert.ReadingTime, DateTime.UtcNow.Ticks)));
        }
    }

    public int Count => _events.Count;

    public IReadOnlyCollection<HubEvent> Events => _events;

    public Task StartAsync(CancellationToken ct) => _connection.StartAsync(ct);

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
