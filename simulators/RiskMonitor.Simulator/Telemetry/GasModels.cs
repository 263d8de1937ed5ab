namespace RiskMonitor.Simulator.Telemetry;

/// <summary>
/// A medium-pressure main: methane at the valve well 0-2 % LEL (alarms start at 5), pressure 300-320 kPa (rules
/// fire above 400 or below 200) and a flow that follows the city's morning and evening demand.
/// </summary>
internal sealed class GasPipelineModel : ValueModel
{
    private readonly double _ch4Mean;
    private readonly double _pressureMean;
    private readonly double _flowMeanM3h;
    private double _ch4;
    private double _pressure;

    public GasPipelineModel(Random random)
        : base(random)
    {
        _ch4 = _ch4Mean = Between(0.3, 1.0);
        _pressure = _pressureMean = Between(305, 315);
        _flowMeanM3h = Between(40, 400);
    }

    public override ChannelValues Next(DateTimeOffset at, TimeSpan sinceLast)
    {
        _ch4 = Revert(_ch4, _ch4Mean, 0.3, 0.12, 0, 2);
        _pressure = Revert(_pressure, _pressureMean, 0.2, 0.8, 300, 320);
        var flow = _flowMeanM3h * DailyDemand(LocalHour(at)) * (1 + (0.04 * Gaussian()));
        return new ChannelValues()
            .Set(Channels.Ch4Lel, Math.Round(_ch4, 2))
            .Set(Channels.PressureKpa, Math.Round(_pressure, 1))
            .Set(Channels.FlowM3h, Math.Round(Math.Max(0, flow), 1));
    }

    // Household gas use peaks around breakfast and dinner.
    private static double DailyDemand(double hour) =>
        0.55 + (0.25 * Math.Exp(-Math.Pow(hour - 7.5, 2) / 4)) + (0.4 * Math.Exp(-Math.Pow(hour - 18.5, 2) / 4));
}

/// <summary>A CNG/LNG station: methane at the dispensers 0-2 % LEL and inlet pressure 300-320 kPa.</summary>
internal sealed class GasStationModel : ValueModel
{
    private readonly double _ch4Mean;
    private readonly double _pressureMean;
    private double _ch4;
    private double _pressure;

    public GasStationModel(Random random)
        : base(random)
    {
        _ch4 = _ch4Mean = Between(0.2, 0.8);
        _pressure = _pressureMean = Between(305, 315);
    }

    public override ChannelValues Next(DateTimeOffset at, TimeSpan sinceLast)
    {
        _ch4 = Revert(_ch4, _ch4Mean, 0.3, 0.15, 0, 2);
        _pressure = Revert(_pressure, _pressureMean, 0.2, 0.8, 300, 320);
        return new ChannelValues()
            .Set(Channels.Ch4Lel, Math.Round(_ch4, 2))
            .Set(Channels.PressureKpa, Math.Round(_pressure, 1));
    }
}
