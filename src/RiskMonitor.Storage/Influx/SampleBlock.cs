using RiskMonitor.Domain.Assets;

namespace RiskMonitor.Storage.Influx;

/// <summary>
/// A chunk of one asset's stored readings, column by column, oldest first: one time column and one value column per
/// field, <see cref="double.NaN"/> where a reading did not carry the field. Reused from chunk to chunk, so reading a
/// day of an asset allocates its columns once instead of an object and an array per reading (docs/decisions/0057).
/// </summary>
public sealed class SampleBlock
{
    private long[] _times = [];
    private double[][] _values = [];

    /// <summary>The field names, in the order of their columns.</summary>
    public IReadOnlyList<string> Fields { get; private set; } = [];

    public int Count { get; private set; }

    /// <summary>How long the query took, from sending it to the last byte of the answer.</summary>
    public TimeSpan QueryTime { get; internal set; }

    /// <summary>How long turning the answer into these columns took.</summary>
    public TimeSpan ParseTime { get; internal set; }

    public DateTimeOffset At(int row) => DateTimeOffset.FromUnixTimeMilliseconds(TimeMs(row));

    public long TimeMs(int row) => (uint)row < (uint)Count ? _times[row] : throw new ArgumentOutOfRangeException(nameof(row));

    /// <summary>The column of one field (NaN where a reading lacks it); empty past <see cref="Count"/>.</summary>
    public ReadOnlySpan<double> Column(int field) => _values[field].AsSpan(0, Count);

    /// <summary>The field's column index, or -1 when the answer had no such column.</summary>
    public int FieldIndex(string metric)
    {
        for (var i = 0; i < Fields.Count; i++)
        {
            if (string.Equals(Fields[i], metric, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The metrics a reading carried, written into <paramref name="into"/> (at least <see cref="Fields"/> long); returns how many.</summary>
    public int CopyRow(int row, Span<MetricValue> into)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (uint)Count, nameof(row));
        var written = 0;
        for (var field = 0; field < _values.Length; field++)
        {
            var value = _values[field][row];
            if (!double.IsNaN(value))
            {
                into[written++] = new MetricValue(Fields[field], value);
            }
        }

        return written;
    }

    /// <summary>Drops the rows and keeps the fields and their columns (an answer without series leaves it so).</summary>
    internal void Clear() => Count = 0;

    internal void Reset(IReadOnlyList<string> fields)
    {
        Count = 0;
        // The same fields as the chunk before (the usual case): keep the names and the columns.
        if (!SameFields(fields))
        {
            Fields = [.. fields];
            _values = new double[fields.Count][];
            for (var i = 0; i < _values.Length; i++)
            {
                _values[i] = new double[_times.Length];
            }
        }
    }

    /// <summary>Starts a row: its time, every field NaN until set.</summary>
    internal void AddRow(long timeMs)
    {
        if (Count == _times.Length)
        {
            var size = Math.Max(1024, _times.Length * 2);
            Array.Resize(ref _times, size);
            for (var i = 0; i < _values.Length; i++)
            {
                Array.Resize(ref _values[i], size);
            }
        }

        _times[Count] = timeMs;
        foreach (var column in _values)
        {
            column[Count] = double.NaN;
        }

        Count++;
    }

    internal void Set(int field, double value) => _values[field][Count - 1] = value;

    private bool SameFields(IReadOnlyList<string> fields)
    {
        if (fields.Count != Fields.Count)
        {
            return false;
        }

        for (var i = 0; i < fields.Count; i++)
        {
            if (!string.Equals(fields[i], Fields[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
