using System.Globalization;

namespace RiskMonitor.Storage.Influx;

/// <summary>One spooled batch: file <c>{Sequence:D20}-{Points}.lp.gz</c>.</summary>
internal sealed record SpoolEntry(long Sequence, int Points, long Bytes, string Path);

/// <summary>
/// The on-disk queue of batches InfluxDB has not confirmed yet: one gzip file per batch, named by a monotonically
/// increasing sequence so the file names alone give the order, even across restarts. Files are written to a
/// temporary name and renamed, so a crash mid-write leaves a <c>.tmp</c> file (deleted at the next open), never a
/// half batch that would be replayed.
/// </summary>
/// <remarks>
/// One appender (the writer's drain loop) adds at the tail and one consumer (the replay loop) takes from the head;
/// the lock only guards the in-memory index and counters, never file I/O.
/// </remarks>
internal sealed class InfluxSpool
{
    public const string BatchExtension = ".lp.gz";
    private const string TempExtension = ".tmp";
    private const string ReasonExtension = ".reason.txt";

    private readonly Lock _gate = new();
    private readonly Queue<SpoolEntry> _entries = new();
    private readonly long _maxBytes;
    private readonly long _maxRejectedBytes;
    private long _nextSequence;
    private long _bytes;
    private long _points;
    private long _rejectedBytes;

    private InfluxSpool(string directory, string rejectedDirectory, long maxBytes, long maxRejectedBytes)
    {
        Directory = directory;
        RejectedDirectory = rejectedDirectory;
        _maxBytes = maxBytes;
        _maxRejectedBytes = maxRejectedBytes;
    }

    public string Directory { get; }

    /// <summary>The <c>rejected</c> folder beside the spool: batches InfluxDB refused as invalid, kept for a person to look at.</summary>
    public string RejectedDirectory { get; }

    public bool IsEmpty
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count == 0;
            }
        }
    }

    public (int Files, long Bytes, long Points) Totals
    {
        get
        {
            lock (_gate)
            {
                return (_entries.Count, _bytes, _points);
            }
        }
    }

    public static string RejectedDirectoryFor(string spoolDirectory)
    {
        var full = Path.GetFullPath(spoolDirectory).TrimEnd(Path.DirectorySeparatorChar);
        return Path.Combine(Path.GetDirectoryName(full) ?? full, "rejected");
    }

    /// <summary>Creates the folders if needed and indexes the batches a previous run left behind.</summary>
    public static InfluxSpool Open(string directory, long maxBytes, long maxRejectedBytes)
    {
        var full = Path.GetFullPath(directory);
        var spool = new InfluxSpool(full, RejectedDirectoryFor(full), maxBytes, maxRejectedBytes);
        System.IO.Directory.CreateDirectory(spool.Directory);
        System.IO.Directory.CreateDirectory(spool.RejectedDirectory);

        var highest = 0L;
        foreach (var path in System.IO.Directory.EnumerateFiles(spool.RejectedDirectory))
        {
            if (path.EndsWith(TempExtension, StringComparison.Ordinal))
            {
                File.Delete(path);
                continue;
            }
            spool._rejectedBytes += new FileInfo(path).Length;
            if (TryParse(path, out var sequence, out _))
            {
                highest = Math.Max(highest, sequence);
            }
        }

        var found = new List<SpoolEntry>();
        foreach (var path in System.IO.Directory.EnumerateFiles(spool.Directory))
        {
            if (path.EndsWith(TempExtension, StringComparison.Ordinal))
            {
                File.Delete(path); // a write that never reached its rename: the batch was counted as spooled only after it
                continue;
            }
            if (TryParse(path, out var sequence, out var points))
            {
                found.Add(new SpoolEntry(sequence, points, new FileInfo(path).Length, path));
                highest = Math.Max(highest, sequence);
            }
        }

        foreach (var entry in found.OrderBy(e => e.Sequence))
        {
            spool._entries.Enqueue(entry);
            spool._bytes += entry.Bytes;
            spool._points += entry.Points;
        }
        spool._nextSequence = highest + 1;
        return spool;
    }

    /// <summary>Appends a batch at the tail. False, and nothing written, when it would take the spool past its limit.</summary>
    public bool TryAppend(byte[] gzipped, int points)
    {
        long sequence;
        lock (_gate)
        {
            if (_bytes + gzipped.Length > _maxBytes)
            {
                return false;
            }
            sequence = _nextSequence++;
        }

        var path = Path.Combine(Directory, FileName(sequence, points));
        WriteAtomically(path, gzipped);

        lock (_gate)
        {
            _entries.Enqueue(new SpoolEntry(sequence, points, gzipped.Length, path));
            _bytes += gzipped.Length;
            _points += points;
        }
        return true;
    }

    public SpoolEntry? PeekOldest()
    {
        lock (_gate)
        {
            return _entries.TryPeek(out var entry) ? entry : null;
        }
    }

    public static byte[] Read(SpoolEntry entry) => File.ReadAllBytes(entry.Path);

    /// <summary>Deletes the oldest batch once InfluxDB has confirmed it.</summary>
    public void RemoveOldest(SpoolEntry entry)
    {
        File.Delete(entry.Path);
        Forget(entry);
    }

    /// <summary>Moves the oldest batch to the rejected folder (or deletes it when that folder is full).</summary>
    /// <returns>Where it was kept, or null if it was not kept.</returns>
    public string? RejectOldest(SpoolEntry entry, string reason)
    {
        string? kept = null;
        try
        {
            if (File.Exists(entry.Path) && ReserveRejected(entry.Bytes))
            {
                kept = Path.Combine(RejectedDirectory, Path.GetFileName(entry.Path));
                File.Move(entry.Path, kept, overwrite: true);
                WriteReason(kept, reason);
            }
            else
            {
                File.Delete(entry.Path);
            }
        }
        finally
        {
            // Even if the move failed, the head must go, or the replay loop would retry it forever.
            Forget(entry);
        }
        return kept;
    }

    /// <summary>Keeps a batch InfluxDB refused before it was ever spooled.</summary>
    /// <returns>Where it was kept, or null if the rejected folder is full.</returns>
    public string? KeepRejected(byte[] gzipped, int points, string reason)
    {
        if (!ReserveRejected(gzipped.Length))
        {
            return null;
        }
        long sequence;
        lock (_gate)
        {
            sequence = _nextSequence++;
        }
        var path = Path.Combine(RejectedDirectory, FileName(sequence, points));
        WriteAtomically(path, gzipped);
        WriteReason(path, reason);
        return path;
    }

    internal static string FileName(long sequence, int points) =>
        string.Create(CultureInfo.InvariantCulture, $"{sequence:D20}-{points}{BatchExtension}");

    private static bool TryParse(string path, out long sequence, out int points)
    {
        sequence = 0;
        points = 0;
        var name = Path.GetFileName(path);
        if (!name.EndsWith(BatchExtension, StringComparison.Ordinal))
        {
            return false;
        }
        var stem = name.AsSpan(0, name.Length - BatchExtension.Length);
        var dash = stem.IndexOf('-');
        return dash > 0
            && long.TryParse(stem[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out sequence)
            && int.TryParse(stem[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out points);
    }

    private static void WriteAtomically(string path, ReadOnlySpan<byte> bytes)
    {
        var temp = path + TempExtension;
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                // Durable before it is visible: after the rename the batch counts as safe, so it must be on disk.
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static void WriteReason(string batchPath, string reason)
    {
        var stem = batchPath[..^BatchExtension.Length];
        File.WriteAllText(stem + ReasonExtension, reason + Environment.NewLine);
    }

    private bool ReserveRejected(long bytes)
    {
        lock (_gate)
        {
            if (_rejectedBytes + bytes > _maxRejectedBytes)
            {
                return false;
            }
            _rejectedBytes += bytes;
            return true;
        }
    }

    private void Forget(SpoolEntry entry)
    {
        lock (_gate)
        {
            if (_entries.TryPeek(out var head) && head.Sequence == entry.Sequence)
            {
                _entries.Dequeue();
                _bytes -= entry.Bytes;
                _points -= entry.Points;
            }
        }
    }
}
