using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace RiskMonitor.Storage.Alerts.Journal;

/// <summary>
/// The node's one writer of alert changes to PostgreSQL. It takes what the journal holds, oldest first, up to
/// <see cref="AlertJournalOptions.BatchSize"/> at a time, and writes each batch with the journal checkpoint in one
/// transaction: a crash before the commit replays the batch, a crash after it skips it, so every change lands once and
/// in order. Connections in use: one, however many grains are active. While PostgreSQL does not answer, it retries with
/// a growing pause and the changes wait on disk.
/// </summary>
internal sealed class GroupCommitAlertWriter(
    AlertJournal journal,
    PostgresAlertStore store,
    AlertJournalOptions options,
    AlertJournalMetrics metrics,
    TimeProvider time,
    ILogger<GroupCommitAlertWriter> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan DrainOnStop = TimeSpan.FromSeconds(5);

    private long _failingSinceTicks;

    /// <summary>When the writer last failed to reach PostgreSQL without a success since; null while it is writing fine.</summary>
    public DateTimeOffset? FailingSince => Interlocked.Read(ref _failingSinceTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>The last reason PostgreSQL did not take a batch.</summary>
    public string? LastError { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // On stop, keep writing for a moment: what is not written stays in the journal for the next start.
        using var drain = new CancellationTokenSource();
        await using var stopping = stoppingToken.Register(() => drain.CancelAfter(DrainOnStop));
        var delay = FirstRetryDelay;
        var oneByOne = 0; // after a data error in a batch: how many changes to write singly to find the bad one
        while (!drain.IsCancellationRequested)
        {
            var batch = journal.PeekBatch(oneByOne > 0 ? 1 : options.BatchSize);
            if (batch.Count == 0)
            {
                if (stoppingToken.IsCancellationRequested)
                {
                    return;
                }

                try
                {
                    await journal.WaitForPendingAsync(stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    // stopping: one more pass drains what is left
                }

                continue;
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                var (sequences, writtenBefore) = await store.WriteBatchAsync(batch, (journal.NodeId, batch[^1].Position), drain.Token);
                journal.Committed(batch[^1].Position);
                metrics.Committed(batch.Count - writtenBefore, Stopwatch.GetElapsedTime(started));
                if (writtenBefore > 0)
                {
                    // The last attempt's commit went through, only its answer was lost: those changes are not written twice.
                    AlertJournalLog.WrittenBefore(logger, writtenBefore, batch[writtenBefore - 1].Position);
                }

                for (var i = writtenBefore; i < batch.Count; i++)
                {
                    if (sequences[i] is null)
                    {
                        AlertJournalLog.UnknownAlert(logger, batch[i].Position, batch[i].AlertId);
                    }
                }

                if (Interlocked.Exchange(ref _failingSinceTicks, 0) != 0)
                {
                    AlertJournalLog.Recovered(logger, journal.PendingCount);
                }

                LastError = null;
                delay = FirstRetryDelay;
                oneByOne = Math.Max(0, oneByOne - 1);
            }
            catch (OperationCanceledException) when (drain.IsCancellationRequested)
            {
                return;
            }
            catch (PostgresException ex) when (IsDataError(ex))
            {
                if (batch.Count > 1)
                {
                    oneByOne = batch.Count; // find the one PostgreSQL refuses; the others still land, in order
                    continue;
                }

                // One change PostgreSQL will never take (a bug, not an outage): keep it aside rather than stop every
                // alert behind it, and move the checkpoint past it.
                AlertJournalLog.Quarantined(logger, batch[0].Position, batch[0].AlertId, ex.MessageText);
                journal.Quarantine(batch[0], ex.MessageText);
                metrics.Quarantined();
                await store.WriteBatchAsync([], (journal.NodeId, batch[0].Position), drain.Token);
                journal.Committed(batch[0].Position);
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref _failingSinceTicks, time.GetUtcNow().UtcTicks, 0);
                LastError = ex.Message;
                metrics.Failed();
                AlertJournalLog.WriteFailed(logger, batch.Count, ex.Message, journal.PendingCount, delay);
                try
                {
                    await Task.Delay(delay, time, drain.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxRetryDelay.Ticks));
            }
        }
    }

    // Integrity and data exceptions (classes 22, 23) will fail again however often they are retried.
    private static bool IsDataError(PostgresException ex) => ex.SqlState.StartsWith("22", StringComparison.Ordinal) || ex.SqlState.StartsWith("23", StringComparison.Ordinal);
}

/// <summary>The journal's instruments (meter <c>RiskMonitor.AlertJournal</c>).</summary>
public sealed class AlertJournalMetrics
{
    public const string MeterName = "RiskMonitor.AlertJournal";

    private readonly Counter<long> _written;
    private readonly Counter<long> _batches;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _quarantined;
    private readonly Histogram<double> _batchSeconds;

    public AlertJournalMetrics(IMeterFactory meters, AlertJournal journal, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(journal);
        var meter = meters.Create(MeterName);
        _written = meter.CreateCounter<long>("rm_alert_journal_written", "{change}", "Alert changes written to PostgreSQL from the journal");
        _batches = meter.CreateCounter<long>("rm_alert_journal_batches", "{batch}", "Group commits (one transaction each)");
        _failures = meter.CreateCounter<long>("rm_alert_journal_write_failures", "{attempt}", "Batches PostgreSQL did not take (retried)");
        _quarantined = meter.CreateCounter<long>("rm_alert_journal_quarantined", "{change}", "Changes PostgreSQL refused as data, kept in quarantine.jsonl");
        _batchSeconds = meter.CreateHistogram<double>("rm_alert_journal_commit_seconds", "s", "Time to write and commit one batch");
        var appendSeconds = meter.CreateHistogram<double>("rm_alert_journal_append_seconds", "s",
            "Time to write and fsync one group of appends: what an alert change waits before it is pushed");
        journal.OnFlushed((_, elapsed) => appendSeconds.Record(elapsed.TotalSeconds));
        meter.CreateObservableGauge("rm_alert_journal_pending", () => journal.PendingCount, "{change}", "Alert changes on disk that PostgreSQL does not have yet");
        meter.CreateObservableGauge("rm_alert_journal_lag_seconds",
            () => journal.OldestPendingAt is { } oldest ? (time.GetUtcNow() - oldest).TotalSeconds : 0, "s", "Age of the oldest change waiting for PostgreSQL");
        meter.CreateObservableCounter("rm_alert_journal_appended", () => journal.AppendedTotal, "{change}", "Alert changes made durable in the journal");
    }

    internal void Committed(int count, TimeSpan elapsed)
    {
        _written.Add(count);
        _batches.Add(1);
        _batchSeconds.Record(elapsed.TotalSeconds);
    }

    internal void Failed() => _failures.Add(1);

    internal void Quarantined() => _quarantined.Add(1);
}
