namespace RiskMonitor.Simulator.Telemetry;

/// <summary>
/// An elevator car going about its day: idle, boarding, travelling at its rated speed, arriving with the door open.
/// Each reading is a snapshot, so a trip that takes less than the reporting interval shows as "moving" once.
/// </summary>
internal sealed class ElevatorModel : ValueModel
{
    private const double FloorHeightM = 3.2;
    private const double RatedLoadKg = 1000;

    private readonly int _floors;
    private readonly double _ratedSpeedMps;
    private int _floor = 1;
    private int _target = 1;
    private bool _doorOpen;
    private int _passengers;

    public ElevatorModel(Random random, int? floors)
        : base(random)
    {
        _floors = floors ?? Random.Next(6, 34);
        // Taller buildings get faster cars, as lift planners size them.
        _ratedSpeedMps = _floors switch { <= 18 => 1.5, <= 30 => 1.75, _ => 2.5 };
        _floor = _target = Random.Next(1, _floors + 1);
    }

    public int CurrentFloor => _floor;

    public override ChannelValues Next(DateTimeOffset at, TimeSpan sinceLast)
    {
        double speed = 0;
        if (_floor != _target)
        {
            var reachable = Math.Max(1, (int)(sinceLast.TotalSeconds * _ratedSpeedMps / FloorHeightM));
            _floor += Math.Sign(_target - _floor) * Math.Min(reachable, Math.Abs(_target - _floor));
            if (_floor == _target)
            {
                _doorOpen = true;
                _passengers = Math.Max(0, _passengers - Random.Next(0, _passengers + 1));
            }
            else
            {
                speed = _ratedSpeedMps * Between(0.96, 1.0);
            }
        }
        else if (_doorOpen)
        {
            _doorOpen = false;
        }
        else if (Random.NextDouble() < 0.35)
        {
            // A call: people board, the door closes, the car sets off; the snapshot catches it under way.
            _passengers = Math.Min(10, _passengers + Random.Next(0, 5));
            do
            {
                _target = Random.Next(1, _floors + 1);
            }
            while (_target == _floor);

            speed = _ratedSpeedMps * Between(0.5, 1.0);
        }

        var load = Math.Min(RatedLoadKg * 0.8, _passengers * Between(60, 75));
        return new ChannelValues()
            .Set(Channels.SpeedMps, Math.Round(speed, 2))
            .Set(Channels.LoadKg, Math.Round(load))
            .Set(Channels.DoorOpen, _doorOpen ? 1 : 0)
            .Set(Channels.Floor, _floor);
    }
}
