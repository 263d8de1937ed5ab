namespace RiskMonitor.Storage.Influx;

/// <summary>
/// A snapshot of the InfluxDB writer. Counters are totals since the writer started; the <c>Spool…</c> values and
/// <see cref="Buffered"/> describe what is waiting right now.
/// </summary>
/// <param name="Accepted">Readings taken into the in-memory buffer.</param>
/// <param name="Written">Readings InfluxDB confirmed, directly or replayed from the spool.</param>
/// <param name="BatchesPosted">Batches InfluxDB confirmed.</param>
/// <param name="FailedAttempts">Posts that did not succeed (InfluxDB down, 5xx, timeout, or a refused batch).</param>
/// <param name="SpooledPoints">Readings waiting in the spool.</param>
/// <param name="SpooledBytes">Bytes (gzip) in the spool.</param>
/// <param name="SpooledFiles">Batches (one file each) in the spool.</param>
/// <param name="Replayed">Readings written from the spool after InfluxDB came back.</param>
/// <param name="Dropped">Readings lost: the spool was full or unwritable, or the writer had already stopped.</param>
/// <param name="Rejected">Readings in batches InfluxDB refused as invalid (4xx); kept under <c>rejected/</c>.</param>
/// <param name="Skipped">Readings with no finite value, so nothing to store.</param>
/// <param name="Buffered">Readings in memory waiting for their batch.</param>
/// <param name="LastSuccessAt">When InfluxDB last confirmed a batch.</param>
/// <param name="LastError">Why the last post failed, if one has.</param>
/// <param name="Spooling">True while anything is spooled: new batches then queue on disk behind it.</param>
public sealed record InfluxWriterStats(
    long Accepted,
    long Written,
    long BatchesPosted,
    long FailedAttempts,
    long SpooledPoints,
    long SpooledBytes,
    int SpooledFiles,
    long Replayed,
    long Dropped,
    long Rejected,
    long Skipped,
    int Buffered,
    DateTimeOffset? LastSuccessAt,
    string? LastError,
    bool Spooling);
