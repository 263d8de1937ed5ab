using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Storage.Influx;

namespace RiskMonitor.Server.Platform.Observability;

/// <summary>
/// The host's own instruments (meter <c>RiskMonitor.Server</c>): alerts and the InfluxDB writer. The writer's
/// numbers are observed from <see cref="IReadingWriter.GetStats"/> so they match <c>/api/ingest/stats</c> exactly.
/// </summary>
internal sealed class ServerMetrics
{
    public const string MeterName = "RiskMonitor.Server";

    /// <summary>Spans for the SignalR fan-out, children of the grain call that raised the change.</summary>
    public static readonly ActivitySource ActivitySource = new(MeterName);

    private readonly Counter<long> _alertsRaised;
    private readonly Counter<long> _alertChanges;

    public ServerMetrics(IMeterFactory meterFactory, AlertReadModel board, IReadingWriter writer)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(writer);
        var meter = meterFactory.Create(MeterName);
        _alertsRaised = meter.CreateCounter<long>("rm.alerts.raised", "{alert}", "Alerts raised on this node, by severity.");
        _alertChanges = meter.CreateCounter<long>("rm.alerts.changes", "{change}", "Alert changes fanned out on this node, by kind (raised, updated, cleared).");
        meter.CreateObservableUpDownCounter("rm.alerts.open", () => ObserveOpen(board), "{alert}",
            "Alerts not yet closed, by workflow state and severity, as this node's alert board holds them.");

        meter.CreateObservableCounter("rm.influx.points.written", () => writer.GetStats().Written, "{point}", "Points InfluxDB confirmed (directly or replayed).");
        meter.CreateObservableCounter("rm.influx.points.replayed", () => writer.GetStats().Replayed, "{point}", "Points written from the spool after an outage.");
        meter.CreateObservableCounter("rm.influx.points.dropped", () => writer.GetStats().Dropped, "{point}", "Points lost: spool full or unwritable.");
        meter.CreateObservableCounter("rm.influx.points.rejected", () => writer.GetStats().Rejected, "{point}", "Points in batches InfluxDB refused as invalid (kept on disk).");
        meter.CreateObservableCounter("rm.influx.batches.posted", () => writer.GetStats().BatchesPosted, "{batch}", "Batches InfluxDB confirmed.");
        meter.CreateObservableCounter("rm.influx.post.failures", () => writer.GetStats().FailedAttempts, "{attempt}", "Posts to InfluxDB that failed.");
        meter.CreateObservableUpDownCounter("rm.influx.buffered", () => (long)writer.GetStats().Buffered, "{point}", "Points in memory waiting for their batch.");
        meter.CreateObservableUpDownCounter("rm.influx.spool.points", () => writer.GetStats().SpooledPoints, "{point}", "Points waiting in the on-disk spool.");
        meter.CreateObservableUpDownCounter("rm.influx.spool.size", () => writer.GetStats().SpooledBytes, "By", "Bytes (gzip) in the on-disk spool.");
    }

    public void AlertChanged(AlertChangeKind kind, AlertView alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var severity = new KeyValuePair<string, object?>("severity", Name(alert.Severity));
        if (kind == AlertChangeKind.Raised)
        {
            _alertsRaised.Add(1, severity);
        }

        _alertChanges.Add(1, new KeyValuePair<string, object?>("kind", Name(kind)), severity);
    }

    private static IEnumerable<Measurement<long>> ObserveOpen(AlertReadModel board)
    {
        // Every state and severity is reported, zeros included, so a panel shows 0 rather than "no data".
        var counts = new Dictionary<(AlertState, WarningLevel), long>();
        foreach (var alert in board.Alerts)
        {
            counts[(alert.State, alert.Severity)] = counts.GetValueOrDefault((alert.State, alert.Severity)) + 1;
        }

        foreach (var state in Enum.GetValues<AlertState>().Where(s => s != AlertState.Closed))
        {
            foreach (var severity in Enum.GetValues<WarningLevel>().Where(l => l != WarningLevel.None))
            {
                yield return new Measurement<long>(counts.GetValueOrDefault((state, severity)),
                    new KeyValuePair<string, object?>("state", Name(state)), new KeyValuePair<string, object?>("severity", Name(severity)));
            }
        }
    }

    private static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
