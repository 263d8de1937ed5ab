using CsCheck;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Alerts.Journal;
using RiskMonitor.Storage.Tests.Postgres;

namespace RiskMonitor.Storage.Tests.Alerts.Journal;

/// <summary>The journal's writer against a real PostgreSQL: exactly once, in per-alert order, across outages and crashes.</summary>
[Collection(PostgresCollection.Name)]
public sealed class GroupCommitAlertWriterTests(PostgresFixture fixture)
{
    private static GroupCommitAlertWriter Writer(AlertJournal journal, PostgresAlertStore store, int batchSize) =>
        new(journal, store, new AlertJournalOptions { BatchSize = batchSize, MaxRetryDelay = TimeSpan.FromMilliseconds(200) },
            new AlertJournalMetrics(new TestMeterFactory(), journal, TimeProvider.System), TimeProvider.System, NullLogger<GroupCommitAlertWriter>.Instance);

    /// <summary>
    /// Grains append concurrently, each its own alerts' changes in order (as a grain does), with ledger-only lines
    /// between them; the writer takes batches of any size. Every change lands once, each alert's ledger in the grain's
    /// order with sequence 1..n, one feed event per line in the same per-alert order, and the checkpoint at the end.
    /// </summary>
    [Fact]
    public async Task Any_interleaving_of_changes_from_many_grains_lands_exactly_once_in_per_alert_order()
    {
        var ct = TestContext.Current.CancellationToken;
        var scenario = Gen.Select(Gen.Int[1, 6], Gen.Int[1, 3], Gen.Int[1, 5], Gen.Int[1, 40]); // grains, alerts per grain, changes per alert, batch size
        await scenario.SampleAsync(async t =>
        {
            var (grains, alertsPerGrain, changesPerAlert, batchSize) = t;
            await using var db = await fixture.NewMigratedDatabaseAsync(ct);
            using var folder = new JournalFolder();
            await using var journal = folder.Open();
            var store = new PostgresAlertStore(db);
            using var writer = Writer(journal, store, batchSize);
            await writer.StartAsync(ct);

            var expected = new Dictionary<string, List<string>>();
            var appends = Enumerable.Range(0, grains).Select(g => Task.Run(async () =>
            {
                for (var a = 0; a < alertsPerGrain; a++)
                {
                    var alert = JournalTestData.Alert($"g{g}", a);
                    AlertView? before = null;
                    var actions = new List<string>();
                    for (var step = 0; step < changesPerAlert; step++)
                    {
                        var change = JournalTestData.Change(alert, step, before);
                        await journal.AppendAsync(AlertJournalEntry.ForRecord(change), ct);
                        actions.Add(change.Action);
                        before = change.After;
                        if (step % 2 == 1)
                        {
                            await journal.AppendAsync(AlertJournalEntry.ForAppend(alert.AlertId, "commented", "tester", $"note {step}", change.At), ct);
                            actions.Add("commented");
                        }
                    }

                    lock (expected)
                    {
                        expected[alert.AlertId] = actions;
                    }
                }
            }, ct)).ToArray();
            await Task.WhenAll(appends);
            await WaitUntilWrittenAsync(journal, ct);
            await writer.StopAsync(ct);

            var quarantine = Path.Combine(folder.Path, "quarantine.jsonl");
            Assert.False(File.Exists(quarantine), File.Exists(quarantine) ? await File.ReadAllTextAsync(quarantine, ct) : null);
            var total = expected.Values.Sum(a => a.Count);
            foreach (var (alertId, actions) in expected)
            {
                var ledger = await store.HistoryAsync(alertId, ct);
                Assert.Equal(actions, ledger.Select(e => e.Action));
                Assert.Equal(Enumerable.Range(1, actions.Count), ledger.Select(e => e.Sequence));
                Assert.Equal(actions.Select(FeedTypeOf), await FeedTypesAsync(db, alertId, ct));
            }

            Assert.Equal(total, await CountAsync(db, "SELECT count(*) FROM alert_ledger", ct));
            Assert.Equal(total, await CountAsync(db, "SELECT count(*) FROM feed_events", ct));
            Assert.Equal(total, await store.ReadCheckpointAsync(journal.NodeId, ct));
        }, iter: 12, threads: 1);
    }

    [Fact]
    public async Task A_crash_after_the_commit_but_before_the_journal_knew_replays_nothing_twice()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var store = new PostgresAlertStore(db);
        using var folder = new JournalFolder();
        string nodeId;
        await using (var first = folder.Open())
        {
            for (var i = 0; i < 10; i++)
            {
                await first.AppendAsync(AlertJournalEntry.ForRecord(JournalTestData.Change(JournalTestData.Alert($"c{i}"), 0, null)), ct);
            }

            // The writer's transaction for the first six commits; the process dies before it tells the journal.
            nodeId = first.NodeId;
            await store.WriteBatchAsync(first.PeekBatch(6), (nodeId, 6), ct);
        }

        await using var second = folder.Create();
        var replayed = second.Open(await store.ReadCheckpointAsync(second.NodeId, ct));
        using var writer = Writer(second, store, 100);
        await writer.StartAsync(ct);
        await WaitUntilWrittenAsync(second, ct);
        await writer.StopAsync(ct);

        Assert.Equal(nodeId, second.NodeId);
        Assert.Equal(4, replayed);
        Assert.Equal(10, await CountAsync(db, "SELECT count(*) FROM alert_ledger", ct));
        Assert.Equal(10, await CountAsync(db, "SELECT count(DISTINCT alert_id) FROM alert_ledger", ct));
        Assert.Equal(10, await CountAsync(db, "SELECT count(*) FROM feed_events", ct));
    }

    /// <summary>
    /// The answer to a commit is lost while the process lives on (PostgreSQL stopped between COMMIT and its reply, seen
    /// in a load run as six raises twice in the ledger and the feed): the writer retries the batch it still holds, and
    /// the changes PostgreSQL has already taken must not land again.
    /// </summary>
    [Fact]
    public async Task A_batch_whose_commit_answer_was_lost_is_not_written_twice_when_retried()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var store = new PostgresAlertStore(db);
        using var folder = new JournalFolder();
        await using var journal = folder.Open();
        for (var i = 0; i < 10; i++)
        {
            await journal.AppendAsync(AlertJournalEntry.ForRecord(JournalTestData.Change(JournalTestData.Alert($"lost{i}"), 0, null)), ct);
        }

        // The first six commit; the journal never hears of it, so they are still the head of its next batch.
        await store.WriteBatchAsync(journal.PeekBatch(6), (journal.NodeId, 6), ct);
        using var writer = Writer(journal, store, 100);
        await writer.StartAsync(ct);
        await WaitUntilWrittenAsync(journal, ct);
        await writer.StopAsync(ct);

        Assert.Equal(10, await CountAsync(db, "SELECT count(*) FROM alert_ledger", ct));
        Assert.Equal(10, await CountAsync(db, "SELECT count(DISTINCT alert_id) FROM alert_ledger", ct));
        Assert.Equal(10, await CountAsync(db, "SELECT count(*) FROM feed_events", ct));
        Assert.Equal(10, await store.ReadCheckpointAsync(journal.NodeId, ct));
    }

    [Fact]
    public async Task Changes_made_while_postgres_is_stopped_wait_on_disk_and_land_in_order_once_it_is_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var store = new PostgresAlertStore(db);
        using var folder = new JournalFolder();
        await using var journal = folder.Open();
        using var writer = Writer(journal, store, 50);
        await writer.StartAsync(ct);
        var alert = JournalTestData.Alert("down-1");
        await journal.AppendAsync(AlertJournalEntry.ForRecord(JournalTestData.Change(alert, 0, null)), ct);
        await WaitUntilWrittenAsync(journal, ct);

        await fixture.Postgres.StopAsync(ct);
        try
        {
            AlertView before = alert;
            for (var step = 1; step <= 5; step++)
            {
                var change = JournalTestData.Change(alert, step, before);
                await journal.AppendAsync(AlertJournalEntry.ForRecord(change), ct).WaitAsync(TimeSpan.FromSeconds(10), ct); // never waits for PostgreSQL
                before = change.After;
            }

            await Task.Delay(500, ct);
            Assert.Equal(5, journal.PendingCount);
            Assert.NotNull(writer.FailingSince);
            Assert.True(journal.TryGetLatest(alert.AlertId, out var latest));
            Assert.Equal(65, latest.Value); // readers see the newest state while PostgreSQL cannot
        }
        finally
        {
            await fixture.Postgres.StartAsync(ct);
        }

        NpgsqlConnection.ClearAllPools();
        await WaitUntilWrittenAsync(journal, ct);
        await writer.StopAsync(ct);

        var ledger = await store.HistoryAsync(alert.AlertId, ct);
        Assert.Equal(Enumerable.Range(1, 6), ledger.Select(e => e.Sequence));
        Assert.Equal([null, "step 1", "step 2", "step 3", "step 4", "step 5"], ledger.Select(e => e.Note));
        Assert.Null(writer.FailingSince);
    }

    private static string FeedTypeOf(string action) => RiskMonitor.Storage.Feed.FeedEventTypes.ForAlertAction(action);

    private static async Task WaitUntilWrittenAsync(AlertJournal journal, CancellationToken ct)
    {
        for (var i = 0; i < 600 && journal.PendingCount > 0; i++)
        {
            await Task.Delay(50, ct);
        }

        Assert.Equal(0, journal.PendingCount);
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, string sql, CancellationToken ct)
    {
        await using var command = db.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task<List<string>> FeedTypesAsync(NpgsqlDataSource db, string alertId, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT type FROM feed_events WHERE payload->'alert'->>'alertId' = @id ORDER BY cursor");
        command.Parameters.AddWithValue("id", alertId);
        var types = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            types.Add(reader.GetString(0));
        }

        return types;
    }
}

/// <summary>A meter factory for tests that build instrument holders by hand.</summary>
internal sealed class TestMeterFactory : System.Diagnostics.Metrics.IMeterFactory
{
    private readonly List<System.Diagnostics.Metrics.Meter> _meters = [];

    public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options)
    {
        var meter = new System.Diagnostics.Metrics.Meter(options.Name, options.Version, options.Tags, this);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (var meter in _meters)
        {
            meter.Dispose();
        }
    }
}
