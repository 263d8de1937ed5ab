using System.Collections.Immutable;
using RiskMonitor.Domain.Assets;

namespace RiskMonitor.Storage.Influx;

/// <summary>One reading as stored: measurement <c>telemetry</c>, tags asset/kind/region, one field per metric.</summary>
public readonly record struct ReadingPoint(
    string AssetId, string Kind, string RegionId, DateTimeOffset Timestamp, ImmutableArray<MetricValue> Values);

/// <summary>
/// Stores every accepted reading in InfluxDB: batched, gzip, retried with backoff, spooled to disk while InfluxDB
/// is down and replayed in order when it is back.
/// </summary>
public interface IReadingWriter
{
    /// <summary>
    /// Hands a point to the writer. Completes at once while the in-memory buffer has room; waits (back-pressure)
    /// only when it is full. Never waits for InfluxDB itself.
    /// </summary>
    ValueTask WriteAsync(ReadingPoint point, CancellationToken cancellationToken = default);

    /// <summary>
    /// With <c>Influx:AwaitStored</c> on: completes once every point this caller handed in before the call is out of
    /// memory (confirmed by InfluxDB, spooled to disk, or counted as dropped), so a crash of this process after it can
    /// no longer lose them. Off (the default): completes at once. Cluster mode turns it on, because a reading is
    /// acknowledged to the broker only after its grain call returns (docs/decisions/0021-cluster-mode.md).
    /// </summary>
    ValueTask WhenStoredAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>True when InfluxDB answered its ping just now.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken = default);

    InfluxWriterStats GetStats();
}
