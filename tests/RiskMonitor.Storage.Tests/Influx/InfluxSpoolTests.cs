using RiskMonitor.Storage.Influx;

namespace RiskMonitor.Storage.Tests.Influx;

public sealed class InfluxSpoolTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Spooled_batches_come_back_oldest_first_after_the_spool_is_reopened()
    {
        var first = InfluxSpool.Open(_folder.Spool, maxBytes: 1 << 20, maxRejectedBytes: 1 << 20);
        first.TryAppend(Batch("a"), 1);
        first.TryAppend(Batch("b"), 2);
        first.TryAppend(Batch("c"), 3);

        var reopened = InfluxSpool.Open(_folder.Spool, maxBytes: 1 << 20, maxRejectedBytes: 1 << 20);
        var order = new List<string>();
        while (reopened.PeekOldest() is { } entry)
        {
            order.Add(Text(InfluxSpool.Read(entry)));
            reopened.RemoveOldest(entry);
        }

        Assert.Equal(["a", "b", "c"], order);
        Assert.Empty(Directory.GetFiles(_folder.Spool));
    }

    [Fact]
    public void Reopening_counts_what_is_waiting_and_new_batches_sort_after_the_old_ones()
    {
        var first = InfluxSpool.Open(_folder.Spool, maxBytes: 1 << 20, maxRejectedBytes: 1 << 20);
        first.TryAppend(Batch("old-1"), 10);
        first.TryAppend(Batch("old-2"), 20);

        var reopened = InfluxSpool.Open(_folder.Spool, maxBytes: 1 << 20, maxRejectedBytes: 1 << 20);
        reopened.TryAppend(Batch("new"), 5);

        Assert.Equal(3, reopened.Totals.Files);
        Assert.Equal(35, reopened.Totals.Points);
        var names = Directory.GetFiles(_folder.Spool).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal("new", Text(File.ReadAllBytes(Path.Combine(_folder.Spool, names[^1]!))));
    }

    [Fact]
    public void A_half_written_temp_file_is_discarded_when_the_spool_is_opened()
    {
        Directory.CreateDirectory(_folder.Spool);
        File.WriteAllBytes(Path.Combine(_folder.Spool, InfluxSpool.FileName(7, 100) + ".tmp"), [1, 2, 3]);

        var spool = InfluxSpool.Open(_folder.Spool, maxBytes: 1 << 20, maxRejectedBytes: 1 << 20);

        Assert.True(spool.IsEmpty);
        Assert.Empty(Directory.GetFiles(_folder.Spool));
    }

    [Fact]
    public void A_batch_that_would_pass_the_size_limit_is_refused_and_nothing_is_written()
    {
        var spool = InfluxSpool.Open(_folder.Spool, maxBytes: 100, maxRejectedBytes: 1 << 20);
        var appendedSmall = spool.TryAppend(new byte[60], 1);

        var appendedLarge = spool.TryAppend(new byte[60], 1);

        Assert.True(appendedSmall);
        Assert.False(appendedLarge);
        Assert.Single(Directory.GetFiles(_folder.Spool));
        Assert.Equal(60, spool.Totals.Bytes);
    }

    [Fact]
    public void A_rejected_batch_moves_to_the_rejected_folder_beside_the_spool_with_its_reason()
    {
        var spool = InfluxSpool.Open(_folder.Spool, maxBytes: 1 << 20, maxRejectedBytes: 1 << 20);
        spool.TryAppend(Batch("bad"), 4);
        spool.TryAppend(Batch("good"), 1);

        var keptAt = spool.RejectOldest(spool.PeekOldest()!, "HTTP 400: field type conflict");

        Assert.Equal(_folder.Rejected, Path.GetDirectoryName(keptAt));
        Assert.Equal("bad", Text(File.ReadAllBytes(keptAt!)));
        Assert.Contains("field type conflict", File.ReadAllText(Directory.GetFiles(_folder.Rejected, "*.reason.txt").Single()));
        Assert.Equal("good", Text(InfluxSpool.Read(spool.PeekOldest()!)));
    }

    [Fact]
    public void A_full_rejected_folder_keeps_nothing_more_but_still_lets_the_spool_move_on()
    {
        var spool = InfluxSpool.Open(_folder.Spool, maxBytes: 1 << 20, maxRejectedBytes: 10);
        spool.TryAppend(new byte[50], 4);

        var keptAt = spool.RejectOldest(spool.PeekOldest()!, "HTTP 400");

        Assert.Null(keptAt);
        Assert.True(spool.IsEmpty);
        Assert.Empty(Directory.GetFiles(_folder.Rejected));
    }

    private static byte[] Batch(string text) => LineProtocol.Gzip(System.Text.Encoding.UTF8.GetBytes(text));

    private static string Text(byte[] gzipped) => System.Text.Encoding.UTF8.GetString(LineProtocol.Gunzip(gzipped));
}
