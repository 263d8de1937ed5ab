using System.Numerics;
using System.Runtime.CompilerServices;

namespace RiskMonitor.Domain.Rules;

/// <summary>
/// The live judgement of one sensor (one metric of one asset): impossible, stuck and spiking, each its own condition.
/// Constant state (no buffers beyond five recent values), so it costs the same for every asset however long it runs.
/// </summary>
public sealed class SensorHealthRule
{
    private const int MedianSpan = 5;

    private RecentValues _recent;
    private byte _recentCount;
    private byte _recentNext;
    private ulong _spikeBits;
    private byte _spikeSamples;
    private double _stuckValue;
    private long _stuckSince;
    private long _lastTicks;
    private Dictionary<string, WarningLevel>? _heldBack; // made on the first alarm held back: most sensors never need it

    public SensorHealthRule(SensorHealthRuleDefinition definition)
    {
        Definition = definition ?? throw new ArgumentNullException(nameof(definition));
    }

    public SensorHealthRuleDefinition Definition { get; }

    public bool Impossible { get; private set; }

    public bool Stuck { get; private set; }

    public bool Spiking { get; private set; }

    /// <summary>Any fault: the sensor is judged unreliable.</summary>
    public bool Faulty => Impossible || Stuck || Spiking;

    /// <summary>Whether the newest sample judged was outside the physical range: not a measurement, so no trend may use it.</summary>
    public bool LastWasImpossible { get; private set; }

    public double LastValue { get; private set; }

    public int SpikesInWindow => BitOperations.PopCount(_spikeBits & WindowMask);

    /// <summary>The process alarms held back while the sensor is judged faulty, and the level each would have raised.</summary>
    public IReadOnlyDictionary<string, WarningLevel> HeldBack =>
        (IReadOnlyDictionary<string, WarningLevel>?)_heldBack ?? System.Collections.Immutable.ImmutableDictionary<string, WarningLevel>.Empty;

    /// <summary>Whether this sensor's faults hold back <see cref="SensorHealthRuleDefinition.Metric"/>'s process alarms right now.</summary>
    public bool HoldingBack => Definition.HoldBackProcessAlarms && Faulty;

    public TimeSpan StuckFor(DateTimeOffset at) => _stuckSince == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(at.UtcTicks - _stuckSince);

    private ulong WindowMask => Definition.SpikeWindowSamples >= 64 ? ulong.MaxValue : (1UL << Definition.SpikeWindowSamples) - 1;

    /// <summary>Judges one sample; late or repeated samples are ignored.</summary>
    public void Evaluate(double value, DateTimeOffset sampledAt)
    {
        var ticks = sampledAt.UtcTicks;
        if (_lastTicks != 0 && ticks <= _lastTicks)
        {
            return;
        }

        _lastTicks = ticks;
        LastValue = value;
        LastWasImpossible = !Definition.IsPossible(value);
        Impossible = LastWasImpossible;
        if (LastWasImpossible)
        {
            return; // an impossible value says nothing about whether the sensor is stuck or spiking
        }

        JudgeStuck(value, ticks);
        JudgeSpike(value);
    }

    /// <summary>After a restart the judgement starts again from the faults whose alerts are still active.</summary>
    public void Restore(bool impossible, bool stuck, bool spiking)
    {
        Impossible = impossible;
        Stuck = stuck;
        Spiking = spiking;
    }

    public Dictionary<string, double> Details(SensorFault fault, DateTimeOffset at)
    {
        var details = new Dictionary<string, double>(StringComparer.Ordinal) { ["value"] = LastValue };
        foreach (var (ruleId, level) in HeldBack)
        {
            details["heldBack." + ruleId] = (int)level;
        }

        switch (fault)
        {
            case SensorFault.Impossible:
                if (Definition.Min is { } min)
                {
                    details["min"] = min;
                }

                if (Definition.Max is { } max)
                {
                    details["max"] = max;
                }

                break;
            case SensorFault.Stuck:
                details["stuckSeconds"] = StuckFor(at).TotalSeconds;
                details["stuckTolerance"] = Definition.StuckTolerance;
                break;
            case SensorFault.Spike:
                details["spikes"] = SpikesInWindow;
                details["windowSamples"] = Math.Min(_spikeSamples, Definition.SpikeWindowSamples);
                details["spikeDelta"] = Definition.SpikeDelta ?? 0;
                break;
        }

        return details;
    }

    /// <summary>Records a process alarm held back; returns false when it was already recorded at that level.</summary>
    public bool HoldBack(string ruleId, WarningLevel level)
    {
        _heldBack ??= new Dictionary<string, WarningLevel>(StringComparer.Ordinal);
        if (_heldBack.TryGetValue(ruleId, out var held) && held == level)
        {
            return false;
        }

        _heldBack[ruleId] = level;
        return true;
    }

    /// <summary>The sensor is sound again: what it held back is let through by the caller and forgotten here.</summary>
    public void ReleaseHeldBack() => _heldBack?.Clear();

    public bool Has(SensorFault fault) => fault switch
    {
        SensorFault.Impossible => Impossible,
        SensorFault.Stuck => Stuck,
        _ => Spiking,
    };

    private void JudgeStuck(double value, long ticks)
    {
        if (Definition.StuckAfter is not { } after)
        {
            return;
        }

        // A reading at the bottom of the range is a sensor clamped at zero in clean air, not a stuck one.
        var atFloor = Definition.Min is { } min && value <= min + Definition.StuckTolerance;
        if (_stuckSince == 0 || atFloor || Math.Abs(value - _stuckValue) > Definition.StuckTolerance)
        {
            _stuckValue = value;
            _stuckSince = atFloor ? 0 : ticks;
            Stuck = false;
            return;
        }

        Stuck = ticks - _stuckSince >= after.Ticks;
    }

    private void JudgeSpike(double value)
    {
        if (Definition.SpikeDelta is not { } delta)
        {
            return;
        }

        var spike = false;
        if (_recentCount == MedianSpan)
        {
            Span<double> recent = stackalloc double[MedianSpan];
            for (var i = 0; i < MedianSpan; i++)
            {
                recent[i] = _recent[i];
            }

            spike = Math.Abs(value - Trends.RobustTrend.Median(recent)) > delta;
        }

        _recent[_recentNext] = (float)value;
        _recentNext = (byte)((_recentNext + 1) % MedianSpan);
        _recentCount = (byte)Math.Min(_recentCount + 1, MedianSpan);
        _spikeBits = (_spikeBits << 1) | (spike ? 1UL : 0UL);
        _spikeSamples = (byte)Math.Min(_spikeSamples + 1, SensorHealthRuleDefinition.MaxSpikeWindowSamples);

        // Judged faulty at SpikeCount spikes in the window; judged sound again only after a whole window without one,
        // so a sensor that spikes every few samples does not flap between the two.
        var spikes = SpikesInWindow;
        Spiking = Spiking ? spikes > 0 : spikes >= Definition.SpikeCount;
    }

    // Floats, as in the sample windows: 7 digits are more than a sensor resolves, and this lives per sensor per asset.
    [InlineArray(MedianSpan)]
    private struct RecentValues
    {
        private float _value;
    }
}
