using System.Diagnostics;
using System.Diagnostics.Metrics;
using RiskMonitor.Ingestion.Dispatch;

namespace RiskMonitor.Ingestion.Diagnostics;

/// <summary>
/// Ingestion's OpenTelemetry instruments (meter <c>RiskMonitor.Ingestion</c>). The counters are observed from
/// <see cref="IngestionStats"/>, which already counts every message, so nothing is counted twice and the numbers on
/// <c>/metrics</c> and <c>/api/ingest/stats</c> always agree.
/// </summary>
public sealed class IngestionMetrics
{
    public const string MeterName = "RiskMonitor.Ingestion";

    /// <summary>Spans for MQTT receive and the hand-off to the grain; free when nobody listens.</summary>
    public static readonly ActivitySource ActivitySource = new(MeterName);

    private static readonly RejectReason[] Reasons = Enum.GetValues<RejectReason>();
    private static readonly string[] ReasonNames = [.. Reasons.Select(IngestionStats.ReasonName)];
    private readonly Histogram<double> _lag;

    public IngestionMetrics(IMeterFactory meterFactory, IngestionStats stats, GrainDispatcher dispatcher)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentNullException.ThrowIfNull(dispatcher);
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableCounter("rm.ingest.messages", () => stats.Snapshot().MessagesReceived, "{message}",
            "MQTT messages received on rm/v1/#, good or bad.");
        meter.CreateObservableCounter("rm.ingest.readings.accepted", () => stats.Snapshot().ReadingsAccepted, "{reading}",
            "Timestamped samples accepted (one InfluxDB point each).");
        meter.CreateObservableCounter("rm.ingest.events.accepted", () => stats.Snapshot().EventsAccepted, "{event}", "Device events accepted.");
        meter.CreateObservableCounter("rm.ingest.statuses.accepted", () => stats.Snapshot().StatusesAccepted, "{status}", "Online/offline statuses accepted.");
        meter.CreateObservableCounter("rm.ingest.rejected", () => ObserveRejected(stats), "{unit}",
            "Refused units (a message, or a sample or value inside one), by reason.");
        meter.CreateObservableUpDownCounter("rm.ingest.dispatch.queued", () => dispatcher.Queued, "{message}",
            "Messages parsed and waiting for their asset's grain (dispatcher lanes).");
        // Buckets for seconds from device time to receipt: sub-second for live feeds, minutes for gateways that buffer.
        _lag = meter.CreateHistogram("rm.ingest.lag", "s", "Receive time minus the newest sample's device timestamp, per telemetry message.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900] });
    }

    /// <summary>Records how late a message's newest sample arrived; a clock ahead of ours counts as zero.</summary>
    public void RecordLag(TimeSpan lag) => _lag.Record(Math.Max(0, lag.TotalSeconds));

    private static IEnumerable<Measurement<long>> ObserveRejected(IngestionStats stats)
    {
        for (var i = 0; i < Reasons.Length; i++)
        {
            yield return new Measurement<long>(stats.RejectedCount(Reasons[i]), new KeyValuePair<string, object?>("reason", ReasonNames[i]));
        }
    }
}
