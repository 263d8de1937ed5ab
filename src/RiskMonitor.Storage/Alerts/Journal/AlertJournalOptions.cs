using System.ComponentModel.DataAnnotations;

namespace RiskMonitor.Storage.Alerts.Journal;

/// <summary>
/// The alert journal (configuration section <c>AlertJournal</c>): every alert change is made durable on local disk
/// first and written to PostgreSQL by one group-commit writer per node (docs/decisions/0028-alert-journal-and-group-commit.md).
/// </summary>
public sealed class AlertJournalOptions
{
    public const string SectionName = "AlertJournal";

    /// <summary>
    /// The journal's folder, one per node (never shared by two processes: a lock file refuses that). Unset: the folder
    /// <c>alert-journal</c> beside the InfluxDB spool, so a server given its own spool folder has its own journal too.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>Alert changes per PostgreSQL transaction at most.</summary>
    [Range(1, 10_000)] public int BatchSize { get; set; } = 500;

    /// <summary>
    /// Changes held in memory while PostgreSQL is behind; past it, alert changes wait (back-pressure to ingestion)
    /// instead of growing memory. About 2 KB each, so the default bounds the journal at roughly 400 MB of heap.
    /// </summary>
    [Range(100, 10_000_000)] public int MaxPendingEntries { get; set; } = 200_000;

    /// <summary>A segment file is closed and a new one started past this size; written segments are deleted.</summary>
    [Range(64 * 1024, 1L << 32)] public long SegmentBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Flush each group of appends to the disk (fsync) before the change is pushed. Off only for tests that measure something else.</summary>
    public bool Fsync { get; set; } = true;

    /// <summary>The longest wait between attempts while PostgreSQL does not answer.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A change older than this still waiting for PostgreSQL makes <c>/health/ready</c> report degraded.</summary>
    public TimeSpan DegradedAfter { get; set; } = TimeSpan.FromSeconds(10);
}
