using RiskMonitor.Storage.Alerts.Journal;

namespace RiskMonitor.Storage.Tests.Alerts.Journal;

/// <summary>The journal on its own: durable appends, replay after a crash, the checkpoint, the bound on memory.</summary>
public sealed class AlertJournalTests
{
    private static AlertJournalEntry Raise(string assetId) => AlertJournalEntry.ForRecord(JournalTestData.Change(JournalTestData.Alert(assetId), 0, null));

    [Fact]
    public async Task What_an_earlier_run_left_is_replayed_in_order_and_what_postgres_has_is_skipped()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new JournalFolder();
        await using (var first = folder.Open())
        {
            foreach (var asset in new[] { "a1", "a2", "a3", "a4", "a5" })
            {
                await first.AppendAsync(Raise(asset), ct);
            }
        } // no Committed: as if the process died before PostgreSQL took anything after position 2

        await using var second = folder.Create();
        var replayed = second.Open(checkpoint: 2);

        Assert.Equal(3, replayed);
        Assert.Equal([3L, 4L, 5L], second.PeekBatch(10).Select(e => e.Position));
        Assert.Equal(["a3", "a4", "a5"], second.PeekBatch(10).Select(e => e.Record!.After.AssetId));
        Assert.True(second.TryGetLatest(JournalTestData.Alert("a4").AlertId, out _));
        Assert.False(second.TryGetLatest(JournalTestData.Alert("a1").AlertId, out _));
        await second.AppendAsync(Raise("a6"), ct);
        Assert.Equal(6L, second.PeekBatch(10)[^1].Position); // positions continue, never reused
    }

    [Fact]
    public async Task A_torn_last_line_from_a_crash_mid_write_is_ignored()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new JournalFolder();
        await using (var first = folder.Open())
        {
            await first.AppendAsync(Raise("a1"), ct);
            await first.AppendAsync(Raise("a2"), ct);
        }

        await File.AppendAllTextAsync(folder.Segments().Single(), "{\"position\":3,\"kind\":\"rec", ct);
        await using var second = folder.Create();

        Assert.Equal(2, second.Open(0));
        Assert.Equal([1L, 2L], second.PeekBatch(10).Select(e => e.Position));
    }

    [Fact]
    public async Task Two_processes_cannot_share_a_journal_folder()
    {
        using var folder = new JournalFolder();
        await using var first = folder.Open();
        await using var second = folder.Create();

        var refused = Assert.Throws<InvalidOperationException>(() => second.Open(0));
        Assert.Contains("AlertJournal:Directory", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_full_journal_makes_the_next_change_wait_until_postgres_has_taken_some()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new JournalFolder();
        await using var journal = folder.Open(maxPending: 100);
        for (var i = 0; i < 100; i++)
        {
            await journal.AppendAsync(Raise($"a{i}"), ct);
        }

        var waiting = journal.AppendAsync(Raise("over"), ct);
        await Task.Delay(200, ct);
        var waitedWhileFull = !waiting.IsCompleted;
        journal.Committed(10);
        await waiting.WaitAsync(TimeSpan.FromSeconds(10), ct);

        Assert.True(waitedWhileFull);
        Assert.Equal(91, journal.PendingCount);
    }

    [Fact]
    public async Task Written_segments_are_deleted_and_the_overlay_forgets_what_postgres_has()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new JournalFolder();
        await using var journal = folder.Open(segmentBytes: 64 * 1024);
        for (var i = 0; i < 300; i++)
        {
            await journal.AppendAsync(Raise($"a{i}"), ct);
        }

        var segmentsBefore = folder.Segments().Length;
        journal.Committed(300);

        Assert.True(segmentsBefore > 2, $"{segmentsBefore} segments");
        Assert.Single(folder.Segments()); // the open one
        Assert.Equal(0, journal.PendingCount);
        Assert.Empty(journal.LatestOfAsset(null));
    }
}
