using Npgsql;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Domain.Escalation;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Notifications;
using RiskMonitor.Storage.Tests.Alerts;
using RiskMonitor.Storage.Tests.Postgres;

namespace RiskMonitor.Storage.Tests.Notifications;

[Collection(PostgresCollection.Name)]
public sealed class PostgresNotificationOutboxTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static EscalationNotice Notice(AlertView alert, int step) => new(alert, step, step,
        [new EscalationRecipient(RecipientKind.DutyOfficer, "张值班", "13900000001", null), new EscalationRecipient(RecipientKind.RegionSupervisor, "王街道", null, "s-1")],
        T0.AddMinutes(5 * step));

    private static async Task<(PostgresAlertStore Store, PostgresNotificationOutbox Outbox, AlertView Alert)> SeedAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var store = new PostgresAlertStore(db);
        var alert = PostgresAlertStoreTests.Alert("gp-001", "ch4_lel.high");
        await store.RecordAsync(new AlertRecord(null, alert, AlertLedgerActions.Raised, AlertLedgerActions.SystemActor, null, T0), ct);
        return (store, new PostgresNotificationOutbox(db), alert);
    }

    [Fact]
    public async Task The_step_and_its_notice_are_written_together_and_nothing_for_an_unknown_alert()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var (store, outbox, alert) = await SeedAsync(db, ct);

        var written = await store.AppendEscalationAsync(alert.AlertId, "step 1, level 1: duty officer 张值班", Notice(alert, 1), T0.AddMinutes(5), ct);
        var unknown = await store.AppendEscalationAsync("gp-001~nope~1", "step 1", Notice(alert with { AlertId = "gp-001~nope~1" }, 1), T0.AddMinutes(5), ct);

        Assert.True(written);
        Assert.False(unknown);
        var history = await store.HistoryAsync(alert.AlertId, ct);
        Assert.Equal(["raised", "escalated"], history.Select(e => e.Action));
        var notice = Assert.Single(await outbox.ListAsync(null, null, 10, ct));
        Assert.Equal((alert.AlertId, 1, OutboxStatus.Pending, 0), (notice.AlertId, notice.Step, notice.Status, notice.Attempts));
        Assert.Equal(Notice(alert, 1).Recipients, notice.Notice.Recipients);
        Assert.Equal(alert.AlertId, notice.Notice.Alert.AlertId);

        // A failing outbox insert takes the ledger line down with it: no step in the record without its notice.
        await using (var block = db.CreateCommand("ALTER TABLE notification_outbox ADD CONSTRAINT no_step_two CHECK (step <> 2)"))
        {
            await block.ExecuteNonQueryAsync(ct);
        }

        await Assert.ThrowsAsync<PostgresException>(() => store.AppendEscalationAsync(alert.AlertId, "step 2", Notice(alert, 2), T0.AddMinutes(10), ct));
        Assert.Equal(["raised", "escalated"], (await store.HistoryAsync(alert.AlertId, ct)).Select(e => e.Action));
    }

    [Fact]
    public async Task A_claimed_notice_is_leased_retried_after_a_failure_taken_again_after_a_crash_and_never_again_once_delivered()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var (store, outbox, alert) = await SeedAsync(db, ct);
        await store.AppendEscalationAsync(alert.AlertId, "step 1", Notice(alert, 1), T0.AddMinutes(5), ct);
        await store.AppendEscalationAsync(alert.AlertId, "step 2", Notice(alert, 2), T0.AddMinutes(10), ct);
        var now = T0.AddMinutes(10);

        var first = await outbox.ClaimDueAsync(now, now.AddMinutes(2), 10, ct);
        var whileLeased = await outbox.ClaimDueAsync(now.AddMinutes(1), now.AddMinutes(3), 10, ct);
        await outbox.MarkFailedAsync(first[0].NoticeId, ["signalr"], "webhook: 503", now, now.AddSeconds(5), ct);
        await outbox.MarkDeliveredAsync(first[1].NoticeId, ["signalr", "webhook"], now, ct);
        var retry = await outbox.ClaimDueAsync(now.AddSeconds(5), now.AddMinutes(2), 10, ct);
        // The worker dies here without marking anything: the lease runs out and the notice is taken again.
        var afterCrash = await outbox.ClaimDueAsync(now.AddMinutes(2).AddSeconds(5), now.AddMinutes(5), 10, ct);
        await outbox.MarkDeliveredAsync(afterCrash[0].NoticeId, ["signalr", "webhook"], now.AddMinutes(3), ct);
        var nothingLeft = await outbox.ClaimDueAsync(now.AddHours(1), now.AddHours(2), 10, ct);
        var all = await outbox.ListAsync(alert.AlertId, null, 10, ct);

        Assert.Equal([1, 2], first.Select(n => n.Step));
        Assert.Empty(whileLeased);
        var retried = Assert.Single(retry);
        Assert.Equal((1, 1, "webhook: 503"), (retried.Step, retried.Attempts, retried.LastError));
        Assert.Equal(["signalr"], retried.DeliveredChannels);
        Assert.Equal(1, Assert.Single(afterCrash).Step);
        Assert.Empty(nothingLeft);
        Assert.All(all, n => Assert.Equal(OutboxStatus.Delivered, n.Status));
        Assert.Equal(2, all.Single(n => n.Step == 1).Attempts);
        Assert.Single(await outbox.ListAsync(null, OutboxStatus.Delivered, 1, ct));
        Assert.Empty(await outbox.ListAsync(null, OutboxStatus.Pending, 10, ct));
    }

    [Fact]
    public async Task Giving_up_marks_the_notice_failed_and_outbox_rows_are_never_deleted()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var (store, outbox, alert) = await SeedAsync(db, ct);
        await store.AppendEscalationAsync(alert.AlertId, "step 1", Notice(alert, 1), T0.AddMinutes(5), ct);
        var claimed = Assert.Single(await outbox.ClaimDueAsync(T0.AddMinutes(5), T0.AddMinutes(7), 10, ct));

        await outbox.MarkFailedAsync(claimed.NoticeId, [], "gateway gone", T0.AddMinutes(6), null, ct);

        var failed = Assert.Single(await outbox.ListAsync(null, OutboxStatus.Failed, 10, ct));
        Assert.Equal(T0.AddMinutes(6), failed.FailedAt);
        Assert.Empty(await outbox.ClaimDueAsync(T0.AddDays(1), T0.AddDays(2), 10, ct));
        await using var delete = db.CreateCommand("DELETE FROM notification_outbox");
        await Assert.ThrowsAsync<PostgresException>(() => delete.ExecuteNonQueryAsync(ct));
    }
}
