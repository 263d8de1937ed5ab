using System.Globalization;

namespace RiskMonitor.Storage.Alerts.Journal;

/// <summary>How far PostgreSQL is behind the node's alert journal, for <c>/health/ready</c> and the stats endpoint.</summary>
public sealed class AlertJournalState
{
    private readonly AlertJournal _journal;
    private readonly GroupCommitAlertWriter _writer;
    private readonly AlertJournalOptions _options;

    internal AlertJournalState(AlertJournal journal, GroupCommitAlertWriter writer, AlertJournalOptions options)
    {
        _journal = journal;
        _writer = writer;
        _options = options;
    }

    public int Pending => _journal.PendingCount;

    public DateTimeOffset? FailingSince => _writer.FailingSince;

    /// <summary>Degraded while PostgreSQL refuses the writer, or while a change has waited longer than <see cref="AlertJournalOptions.DegradedAfter"/>.</summary>
    public (bool Degraded, string Description) Describe(DateTimeOffset now)
    {
        var pending = _journal.PendingCount;
        if (_writer.FailingSince is { } since)
        {
            return (true, string.Create(CultureInfo.InvariantCulture,
                $"PostgreSQL has not taken alert changes since {since:O} ({_writer.LastError}); {pending} changes are journalled on disk and are written when it answers. Alerts are still evaluated and pushed."));
        }

        if (_journal.OldestPendingAt is { } oldest && now - oldest > _options.DegradedAfter)
        {
            return (true, string.Create(CultureInfo.InvariantCulture,
                $"PostgreSQL is behind: {pending} alert changes wait in the journal, the oldest for {(now - oldest).TotalSeconds:F0} s."));
        }

        return (false, string.Create(CultureInfo.InvariantCulture, $"PostgreSQL takes alert changes ({pending} in flight)."));
    }
}
