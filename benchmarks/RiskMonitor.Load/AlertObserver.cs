using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.SignalR.Client;

namespace RiskMonitor.Load;

/// <summary>The part of the alert JSON the harness needs (DESIGN.md §7).</summary>
internal sealed record ObservedAlert(string AlertId, string AssetId, string RuleId, bool ConditionActive, string Level, DateTimeOffset ReadingTime);

/// <summary>
/// A wall-display client on <c>/hubs/risk</c>: counts alertRaised / alertUpdated / alertCleared and, for every alert
/// that a generated red reading raised or re-activated, the time from its publish to its arrival here.
/// </summary>
internal sealed class AlertObserver : IAsyncDisposable
{
    private readonly TelemetryGenerator _generator;
    private readonly HubConnection _connection;
    private readonly List<double> _latenciesMs = [];
    private readonly List<double> _warmupLatenciesMs = [];
    private readonly Lock _gate = new();

    // Whether each alert's condition was on when it was last seen: an alertUpdated is a reactivation only when the
    // condition comes back on; the other updates of an open alert (escalated, linked into an incident, routed) are not.
    private readonly ConcurrentDictionary<string, bool> _active = new(StringComparer.Ordinal);
    private long _raised;
    private long _reactivated;
    private long _cleared;
    private long _otherUpdates;
    private long _unexpected;

    public AlertObserver(Uri baseUrl, string adminKey, TelemetryGenerator generator)
    {
        _generator = generator;
        // The hub needs a viewer; the run's admin key is one (a .NET client can send headers on the WebSocket too).
        _connection = new HubConnectionBuilder().WithUrl(new Uri(baseUrl, "hubs/risk"), o => o.Headers["X-Admin-Key"] = adminKey).Build();
        _connection.On<ObservedAlert>("alertRaised", alert =>
        {
            _active[alert.AlertId] = true;
            OnActivated(alert, raised: true);
        });
        _connection.On<ObservedAlert>("alertUpdated", alert =>
        {
            var wasActive = _active.TryGetValue(alert.AlertId, out var active) && active;
            _active[alert.AlertId] = alert.ConditionActive;
            if (alert.ConditionActive && !wasActive)
            {
                OnActivated(alert, raised: false);
            }
            else
            {
                Interlocked.Increment(ref _otherUpdates);
            }
        });
        _connection.On<ObservedAlert>("alertCleared", alert =>
        {
            _active[alert.AlertId] = false;
            Interlocked.Increment(ref _cleared);
        });
    }

    public long Raised => Interlocked.Read(ref _raised);

    /// <summary><c>alertUpdated</c> turning the condition back on: a returning red on an alert nobody has closed yet.</summary>
    public long Reactivated => Interlocked.Read(ref _reactivated);

    public long Cleared => Interlocked.Read(ref _cleared);

    public long OtherUpdates => Interlocked.Read(ref _otherUpdates);

    /// <summary>Raises the generator did not cause (offline alerts, duplicates): should be 0.</summary>
    public long Unexpected => Interlocked.Read(ref _unexpected);

    /// <summary>Stopwatch time before which a publish counts as warm-up (JIT, first serializer use, first activations).</summary>
    public long WarmupEndsAt { get; set; } = long.MinValue;

    public Task StartAsync(CancellationToken cancellationToken) => _connection.StartAsync(cancellationToken);

    /// <summary>Latencies of alerts whose reading was published after the warm-up.</summary>
    public double[] LatenciesMs()
    {
        lock (_gate)
        {
            return [.. _latenciesMs];
        }
    }

    public double[] AllLatenciesMs()
    {
        lock (_gate)
        {
            return [.. _warmupLatenciesMs, .. _latenciesMs];
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private void OnActivated(ObservedAlert alert, bool raised)
    {
        var received = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref raised ? ref _raised : ref _reactivated);
        var asset = alert.AssetId.StartsWith("lp-", StringComparison.Ordinal) && int.TryParse(alert.AssetId.AsSpan(3), out var index) ? index : -1;
        if (alert.RuleId != "ch4_lel.high" || !_generator.RaiseSentAt.TryRemove((asset, alert.ReadingTime.ToUnixTimeMilliseconds()), out var sentAt))
        {
            Interlocked.Increment(ref _unexpected);
            return;
        }

        var latency = Stopwatch.GetElapsedTime(sentAt, received).TotalMilliseconds;
        lock (_gate)
        {
            (sentAt < WarmupEndsAt ? _warmupLatenciesMs : _latenciesMs).Add(latency);
        }
    }
}
