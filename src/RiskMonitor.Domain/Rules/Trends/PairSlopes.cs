namespace RiskMonitor.Domain.Rules.Trends;

/// <summary>
/// <see cref="RobustTrend"/>'s disjoint-pair slopes over the newest <see cref="Span"/> samples of a
/// <see cref="SampleWindow"/>, kept sorted and updated as the window slides, so the median slope and the sign test
/// cost O(1) to read and O(n/2) to update (decision 0033).
/// </summary>
/// <remarks>
/// The pairs are (k, k + n/2) for every k whose pair lies in the window. When sample k arrives, pair (k - n/2, k)
/// enters and pair (k - n, k - n/2) leaves: one slope in, one out. Refitting instead costs two selections over fresh,
/// unpredictable data per sample, which measured several times the 1 µs budget of a whole reading. An odd window uses
/// one sample fewer, so the pairs stay disjoint.
/// </remarks>
public sealed class PairSlopes
{
    private readonly float[] _sorted;
    private int _count;
    private int _positive;
    private int _negative;
    private long _seen;
    private long _floor; // the first sample index pairs may start at: 0, or where a rebuild started
    private int _generation;

    public PairSlopes(int windowSamples)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSamples, 4);
        Half = windowSamples / 2;
        _sorted = new float[Half];
    }

    /// <summary>Pairs in a full window: half the window.</summary>
    public int Half { get; }

    /// <summary>Samples the pairs span: the window, made even.</summary>
    public int Span => 2 * Half;

    /// <summary>The window's capacity this needs: one more than <see cref="Span"/>, to read the pair that leaves.</summary>
    public int WindowCapacity => Span + 1;

    /// <summary>True once every pair of a full window is in.</summary>
    public bool Full => _count == Half;

    /// <summary>The median pair slope, per second (0 until <see cref="Full"/>).</summary>
    public double Median => !Full ? 0 : Half % 2 == 1 ? _sorted[Half / 2] : ((double)_sorted[(Half / 2) - 1] + _sorted[Half / 2]) / 2;

    /// <summary>The share of pairs whose slope has the median's sign; 0 for a flat median.</summary>
    public double Agreement
    {
        get
        {
            var median = Median;
            return median > 0 ? (double)_positive / Half : median < 0 ? (double)_negative / Half : 0;
        }
    }

    /// <summary>Takes in the samples added to <paramref name="window"/> since the last call (normally one).</summary>
    public void Update(SampleWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (window.Generation != _generation || window.Added < _seen)
        {
            Reset(window.Generation, floor: 0);
        }

        // A caller that skipped samples may find that a leaving pair is no longer held: start again from what is.
        var oldestHeld = window.Added - window.Count;
        if (Math.Max(_seen - Span, _floor) < oldestHeld)
        {
            Reset(window.Generation, floor: Math.Max(oldestHeld, window.Added - Span));
            _seen = _floor;
        }

        for (var k = _seen; k < window.Added; k++)
        {
            if (k - Span >= _floor)
            {
                // A full window: one slope leaves as one enters, which is one shift of the slots between them.
                Replace((float)window.SlopeBetween(k - Span, k - Half), (float)window.SlopeBetween(k - Half, k));
            }
            else if (k - Half >= _floor)
            {
                Insert((float)window.SlopeBetween(k - Half, k));
            }
        }

        _seen = window.Added;
    }

    private void Reset(int generation, long floor)
    {
        _count = 0;
        _positive = 0;
        _negative = 0;
        _seen = floor;
        _floor = floor;
        _generation = generation;
    }

    private void Insert(float slope)
    {
        var at = LowerBound(slope);
        Array.Copy(_sorted, at, _sorted, at + 1, _count - at);
        _sorted[at] = slope;
        _count++;
        Count(slope, +1);
    }

    /// <summary>Takes <paramref name="leaving"/> out and puts <paramref name="entering"/> in: one shift, not two.</summary>
    private void Replace(float leaving, float entering)
    {
        var from = LowerBound(leaving);
        if (from == _count || !_sorted[from].Equals(leaving))
        {
            throw new InvalidOperationException("A leaving pair's slope is not in the set: the window and its pairs are out of step.");
        }

        // Where the entering slope goes once the leaving one is out: the slots between the two move by one.
        var to = LowerBound(entering);
        if (to > from)
        {
            to--;
            _sorted.AsSpan(from + 1, to - from).CopyTo(_sorted.AsSpan(from));
        }
        else
        {
            _sorted.AsSpan(to, from - to).CopyTo(_sorted.AsSpan(to + 1));
        }

        _sorted[to] = entering;
        Count(leaving, -1);
        Count(entering, +1);
    }

    /// <summary>
    /// The first held slot not below <paramref name="slope"/>. A plain loop over a few dozen floats: the framework's
    /// binary search compares through <see cref="IComparable{T}"/>, which was the largest single cost of a replay.
    /// </summary>
    private int LowerBound(float slope)
    {
        var low = 0;
        var high = _count;
        while (low < high)
        {
            var middle = (int)((uint)(low + high) >> 1);
            if (Below(_sorted[middle], slope))
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>
    /// <paramref name="a"/> sorts before <paramref name="b"/> in <see cref="float.CompareTo(float)"/>'s order, NaN first. A
    /// slope is NaN when two samples less than a millisecond apart share a value (the window keeps milliseconds), or
    /// infinite values meet (a reading beyond float's range): rare, and it must neither throw nor lose its place.
    /// </summary>
    private static bool Below(float a, float b) => a < b || (float.IsNaN(a) && !float.IsNaN(b));

    private void Count(float slope, int delta)
    {
        if (slope > 0)
        {
            _positive += delta;
        }
        else if (slope < 0)
        {
            _negative += delta;
        }
    }
}
