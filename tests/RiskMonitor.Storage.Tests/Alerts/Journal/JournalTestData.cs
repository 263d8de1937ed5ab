using Microsoft.Extensions.Logging.Abstractions;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Storage.Alerts.Journal;

namespace RiskMonitor.Storage.Tests.Alerts.Journal;

/// <summary>Alerts and journals for the journal tests: a fresh folder each, removed on dispose.</summary>
internal sealed class JournalFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("rm-journal-").FullName;

    public AlertJournal Open(long checkpoint = 0, int maxPending = 10_000, long segmentBytes = 8 * 1024 * 1024)
    {
        var journal = Create(maxPending, segmentBytes);
        journal.Open(checkpoint);
        return journal;
    }

    public AlertJournal Create(int maxPending = 10_000, long segmentBytes = 8 * 1024 * 1024) =>
        new(new AlertJournalOptions { MaxPendingEntries = maxPending, SegmentBytes = segmentBytes, Fsync = false }, Path, TimeProvider.System,
            NullLogger<AlertJournal>.Instance);

    public string[] Segments() => Directory.GetFiles(Path, "alert-journal-*.jsonl");

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

internal static class JournalTestData
{
    public static readonly DateTimeOffset T0 = new(2026, 12, 6, 3, 0, 0, TimeSpan.Zero);

    public static AlertView Alert(string assetId, int n = 0) => PostgresAlertStoreTests.Alert(assetId, $"rule-{n}", T0.AddMinutes(n)); // one open alert per (asset, rule)

    /// <summary>The <paramref name="step"/>-th change of an alert: raised first, then level changes (its severity moves).</summary>
    public static AlertRecord Change(AlertView alert, int step, AlertView? before) =>
        step == 0
            ? new AlertRecord(null, alert, AlertLedgerActions.Raised, AlertLedgerActions.SystemActor, null, T0)
            : new AlertRecord(before, alert with { Value = 60 + step, UpdatedAt = T0.AddSeconds(step) },
                AlertLedgerActions.LevelChanged, AlertLedgerActions.SystemActor, $"step {step}", T0.AddSeconds(step));
}
