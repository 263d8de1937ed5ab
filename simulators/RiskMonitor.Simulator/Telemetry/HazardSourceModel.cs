namespace RiskMonitor.Simulator.Telemetry;

/// <summary>
/// A storage tank of a major hazard source: level 40-70 % (alarm at 90), temperature 15-30 C following the day
/// (alarm at 50), vessel pressure 100-400 kPa (alarm at 600) and toxic gas at the fence 0-3 ppm (alarm at 10).
/// </summary>
internal sealed class HazardSourceModel : ValueModel
{
    private readonly double _levelMean;
    private readonly double _temperatureMean;
    private readonly double _pressureMean;
    private readonly double _toxicMean;
    private double _level;
    private double _temperature;
    private double _pressure;
    private double _toxic;

    public HazardSourceModel(Random random)
        : base(random)
    {
        _level = _levelMean = Between(45, 65);
        _temperature = _temperatureMean = Between(18, 25);
        _pressure = _pressureMean = Between(120, 380);
        _toxic = _toxicMean = Between(0.2, 1.0);
    }

    public override ChannelValues Next(DateTimeOffset at, TimeSpan sinceLast)
    {
        _level = Revert(_level, _levelMean, 0.05, 0.15, 40, 70);
        // Tanks in the sun warm by a couple of degrees in the afternoon.
        var dailyMean = _temperatureMean + (2 * Math.Sin((LocalHour(at) - 9) / 24 * 2 * Math.PI));
        _temperature = Revert(_temperature, dailyMean, 0.2, 0.1, 15, 30);
        _pressure = Revert(_pressure, _pressureMean, 0.2, 1.5, 100, 400);
        _toxic = Revert(_toxic, _toxicMean, 0.3, 0.2, 0, 3);
        return new ChannelValues()
            .Set(Channels.LevelPct, Math.Round(_level, 2))
            .Set(Channels.TemperatureC, Math.Round(_temperature, 2))
            .Set(Channels.PressureKpa, Math.Round(_pressure, 1))
            .Set(Channels.ToxicPpm, Math.Round(_toxic, 2));
    }
}
