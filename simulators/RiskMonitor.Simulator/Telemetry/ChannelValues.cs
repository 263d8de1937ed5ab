namespace RiskMonitor.Simulator.Telemetry;

/// <summary>
/// The values of one reading, in a fixed order. A handful of entries, so a list beats a dictionary, and the order
/// keeps payloads byte-for-byte reproducible for a seed.
/// </summary>
internal sealed class ChannelValues
{
    private readonly List<KeyValuePair<string, double>> _items = new(4);

    public IReadOnlyList<KeyValuePair<string, double>> Items => _items;

    public double this[string channel]
    {
        get => TryGet(channel, out var value) ? value : throw new KeyNotFoundException(channel);
        set => Set(channel, value);
    }

    public bool TryGet(string channel, out double value)
    {
        foreach (var item in _items)
        {
            if (item.Key == channel)
            {
                value = item.Value;
                return true;
            }
        }

        value = 0;
        return false;
    }

    /// <summary>An independent copy (a drill bends its copy, never the reading the device really sends).</summary>
    public ChannelValues Copy()
    {
        var copy = new ChannelValues();
        copy._items.AddRange(_items);
        return copy;
    }

    public ChannelValues Set(string channel, double value)
    {
        for (var k = 0; k < _items.Count; k++)
        {
            if (_items[k].Key == channel)
            {
                _items[k] = new(channel, value);
                return this;
            }
        }

        _items.Add(new(channel, value));
        return this;
    }
}

/// <summary>One reading as a device would send it: when, and what.</summary>
internal sealed record TelemetrySample(DateTimeOffset Timestamp, ChannelValues Values);
