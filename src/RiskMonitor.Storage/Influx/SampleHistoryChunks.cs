namespace RiskMonitor.Storage.Influx;

/// <summary>
/// How a long stretch of an asset's stored readings is read without crowding out the writer of live readings
/// (docs/decisions/0057): in queries of a bounded number of readings with a pause after each. Backtests (in their worker
/// process) and threshold suggestions (in the server) both read through here.
/// </summary>
public static class SampleHistoryChunks
{
    /// <summary>
    /// Reads the asset's readings of <paramref name="fields"/> (null: every field) in [from, to), oldest first, in queries
    /// of <paramref name="chunk"/> with <paramref name="pause"/> after every full one, each into a block from
    /// <paramref name="blockFor"/> that is then handed to <paramref name="take"/>; stops after <paramref name="limit"/>
    /// readings. Returns how many were read.
    /// </summary>
    public static async Task<long> ReadChunkedAsync(
        this ISampleHistory history, string assetId, IReadOnlyCollection<string>? fields, DateTimeOffset from, DateTimeOffset to, int chunk, TimeSpan pause, long limit,
        Func<SampleBlock> blockFor, Action<SampleBlock> take, TimeProvider time, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(blockFor);
        ArgumentNullException.ThrowIfNull(take);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunk, 1);
        long read = 0;
        while (from < to && read < limit)
        {
            var block = blockFor();
            await history.ReadBlockAsync(assetId, fields, from, to, (int)Math.Min(chunk, limit - read), block, token).ConfigureAwait(false);
            var count = block.Count;
            // The next chunk starts after the last time read; InfluxDB keeps one point per asset and time.
            var next = count > 0 ? block.At(count - 1).AddMilliseconds(1) : to;
            take(block);
            read += count;
            if (count < chunk)
            {
                break;
            }

            from = next;
            await Task.Delay(pause, time, token).ConfigureAwait(false);
        }

        return read;
    }

    /// <summary>
    /// The reader a process of its own uses (the backtest worker, docs/decisions/0066): the same InfluxQL reader the
    /// server's DI container holds, over the caller's <see cref="HttpClient"/>.
    /// </summary>
    public static ISampleHistory Reader(InfluxOptions options, HttpClient http) => new InfluxSeriesReader(options, http);
}
