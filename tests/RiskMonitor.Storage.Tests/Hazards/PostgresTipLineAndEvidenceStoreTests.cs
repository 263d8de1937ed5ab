using Npgsql;
using RiskMonitor.Domain.Evidence;
using RiskMonitor.Domain.Hazards;
using RiskMonitor.Storage.Evidence;
using RiskMonitor.Storage.Hazards;
using RiskMonitor.Storage.Tests.Postgres;

namespace RiskMonitor.Storage.Tests.Hazards;

[Collection(PostgresCollection.Name)]
public sealed class PostgresTipLineAndEvidenceStoreTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static Hazard Tip(string id) => new(
        id, HazardLevel.General, HazardSource.TipLine, HazardStatus.Reported, "燃气表箱漏气", null, "grid-1", "gas", "幸福路 8 号", null, null, null, null,
        "12350", T0, T0);

    [Fact]
    public async Task A_callers_record_is_found_by_reference_and_by_hazard_and_can_be_neither_changed_nor_deleted()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        await new PostgresHazardStore(db).RecordAsync(null, Tip("HZ-T1"), "reported", "12350", null, T0, ct);
        var tips = new PostgresTipLineStore(db);
        var tip = new TipRecord("TIP-ABCDEFGHJK", "HZ-T1", "13900001111", "gas", "市城市管理局（燃气）", "address", T0);

        await tips.AddAsync(tip, ct);
        var second = await Record.ExceptionAsync(() => tips.AddAsync(tip with { Reference = "TIP-ABCDEFGHJM" }, ct));
        await using var update = db.CreateCommand("UPDATE hazard_tips SET contact = NULL");
        var rewrite = await Record.ExceptionAsync(() => update.ExecuteNonQueryAsync(ct));

        Assert.Equal(tip, await tips.FindByReferenceAsync("TIP-ABCDEFGHJK", ct));
        Assert.Equal(tip, await tips.FindByHazardAsync("HZ-T1", ct));
        Assert.Null(await tips.FindByReferenceAsync("TIP-2222222222", ct));
        Assert.IsType<PostgresException>(second); // one tip per hazard
        Assert.IsType<PostgresException>(rewrite);
    }

    [Fact]
    public async Task Evidence_is_listed_without_its_bytes_and_read_back_whole_only_under_its_own_record()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var store = new PostgresEvidenceStore(db);
        byte[] content = [0x25, 0x50, 0x44, 0x46, 0x2D, 0x31, 0x2E, 0x37, 1, 2, 3];
        var file = new EvidenceFile("EV-1", "hazard", "HZ-1", "整改报告.pdf", EvidenceKind.Pdf, content.Length, "abc", "li.wei", T0);

        await store.AddAsync(file, content, ct);
        var listed = await store.ListAsync("hazard", "HZ-1", ct);
        var read = await store.ReadAsync("hazard", "HZ-1", "EV-1", ct);
        var elsewhere = await store.ReadAsync("hazard", "HZ-2", "EV-1", ct);

        Assert.Equal([file], listed);
        Assert.Equal(file, read!.Value.File);
        Assert.Equal(content, read.Value.Content);
        Assert.Equal("application/pdf", read.Value.File.ContentType);
        Assert.Null(elsewhere);
        Assert.Empty(await store.ListAsync("incident", "HZ-1", ct));
    }
}
