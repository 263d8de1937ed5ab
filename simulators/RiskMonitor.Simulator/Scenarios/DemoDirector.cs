namespace RiskMonitor.Simulator.Scenarios;

/// <summary>
/// The pace of demo mode (<c>--demo</c>). The numbers and why they are what they are: docs/decisions/0032-command-centre-wall.md.
/// </summary>
/// <param name="Opening">Scenarios at fixed offsets from the start, so a fresh wall shows several kinds of alert within minutes.</param>
/// <param name="MeanGap">Mean of the exponential gap between later scenarios (a Poisson process: irregular, like real trouble).</param>
/// <param name="MinGap">No two scenarios closer than this, so every one can be read on the wall.</param>
/// <param name="MaxGap">No lull longer than this, so the demo never looks dead.</param>
/// <param name="Weights">How often each scenario comes after the opening, relative to the others.</param>
internal sealed record DemoPace(
    IReadOnlyList<(TimeSpan At, string Scenario)> Opening,
    TimeSpan MeanGap,
    TimeSpan MinGap,
    TimeSpan MaxGap,
    IReadOnlyList<(string Scenario, double Weight)> Weights)
{
    /// <summary>The size of the small storm demo mode plays now and then (the wall groups it into one line).</summary>
    public const int StormSize = 6;

    public static DemoPace Default { get; } = new(
        Opening:
        [
            (TimeSpan.FromSeconds(20), ScenarioCatalog.GasLeak),
            (TimeSpan.FromSeconds(60), ScenarioCatalog.Entrapment),
            (TimeSpan.FromSeconds(100), ScenarioCatalog.OverPressure),
            (TimeSpan.FromSeconds(140), ScenarioCatalog.VehicleOffRoute),
            (TimeSpan.FromSeconds(180), ScenarioCatalog.Silent),

            // Issue 22: trouble seen coming and sensors judged. The slow leak is forecast minutes before red; the stuck
            // pressure transmitter and the drifting detector raise their sensor-health alerts after their holds.
            (TimeSpan.FromSeconds(200), SensorScenarios.SlowLeak),
            (TimeSpan.FromSeconds(220), SensorScenarios.StuckSensor),
            (TimeSpan.FromSeconds(240), SensorScenarios.DriftingSensor),

            // The three detectors of the 大关路 main, group seg-daguan in config/rules.json (decision 0055): first the
            // faulty one alone (held at orange, then flagged drifting against its two neighbours), then, once it is
            // over, a real leak that two of them see together (a corroborated red).
            (TimeSpan.FromSeconds(260), $"{SensorScenarios.FaultyDetector}:{DemoSegment.Faulty}"),
            (TimeSpan.FromSeconds(660), $"{ScenarioCatalog.GasLeak}:{DemoSegment.Members[0]}"),
            (TimeSpan.FromSeconds(660), $"{ScenarioCatalog.GasLeak}:{DemoSegment.Members[1]}"),
        ],
        MeanGap: TimeSpan.FromSeconds(75),
        MinGap: TimeSpan.FromSeconds(25),
        MaxGap: TimeSpan.FromMinutes(4),
        Weights:
        [
            (ScenarioCatalog.GasLeak, 30),
            (ScenarioCatalog.Entrapment, 20),
            (ScenarioCatalog.OverPressure, 15),
            (ScenarioCatalog.Silent, 12),
            (ScenarioCatalog.VehicleOffRoute, 10),
            (ScenarioCatalog.VehicleIntoZone, 8),
            (ScenarioCatalog.Storm, 5),
            (SensorScenarios.SlowLeak, 5),
            (SensorScenarios.StuckSensor, 3),
            (SensorScenarios.DriftingSensor, 3),
        ]);
}

/// <summary>
/// The demo city's pipeline with three detectors: consecutive segments of the 大关路 main (gp-0023, gp-0122, gp-0084
/// in data/demo-city), named as detector group <c>seg-daguan</c> in the server's config/rules.json. The simulator shares
/// no code with the server, so the two lists are kept equal by hand (and by SegmentScenarioTests).
/// </summary>
internal static class DemoSegment
{
    public const string GroupId = "seg-daguan";

    public static IReadOnlyList<string> Members { get; } = ["gp-0023", "gp-0122", "gp-0084"];

    /// <summary>The member the demo makes faulty.</summary>
    public static string Faulty => Members[2];
}

/// <summary>
/// Decides when demo mode starts which scenario: first the opening act at its fixed offsets, then one scenario after
/// another at random gaps with weighted kinds. Pure: the caller passes the time and owns the <see cref="Random"/>, so a
/// test with a seed walks hours of demo in microseconds. Scenarios whose target kind the city lacks (no vehicles file)
/// are left out.
/// </summary>
internal sealed class DemoDirector
{
    private readonly DemoPace _pace;
    private readonly Random _random;
    private readonly HashSet<string> _playable;
    private readonly Queue<(DateTimeOffset At, string Scenario)> _opening = new();
    private readonly List<(string Scenario, double Weight)> _weights;
    private readonly double _totalWeight;
    private DateTimeOffset _next;

    public DemoDirector(DemoPace pace, Random random, IEnumerable<string> playableScenarios, DateTimeOffset startedAt)
    {
        _pace = pace;
        _random = random;
        _playable = new HashSet<string>(playableScenarios, StringComparer.Ordinal);
        // An opening entry may name its target (name:asset); playability is by the scenario's name.
        foreach (var (at, scenario) in pace.Opening.Where(o => _playable.Contains(NameOf(o.Scenario))).OrderBy(o => o.At))
        {
            _opening.Enqueue((startedAt + at, scenario));
        }

        _weights = [.. pace.Weights.Where(w => _playable.Contains(w.Scenario) && w.Weight > 0)];
        _totalWeight = _weights.Sum(w => w.Weight);
        var lastOpening = pace.Opening.Count == 0 ? TimeSpan.Zero : pace.Opening.Max(o => o.At);
        _next = startedAt + lastOpening + NextGap();
    }

    /// <summary>When the next scenario after the opening is due (for the log line and the tests).</summary>
    public DateTimeOffset NextAt => _opening.Count > 0 ? _opening.Peek().At : _next;

    /// <summary>The scenarios due at <paramref name="now"/>; call it every second or so. After a long pause (a
    /// suspended laptop) at most one random scenario is returned, not the backlog.</summary>
    public IReadOnlyList<ScenarioRequest> Due(DateTimeOffset now)
    {
        var due = new List<ScenarioRequest>();
        while (_opening.Count > 0 && _opening.Peek().At <= now)
        {
            due.Add(Request(_opening.Dequeue().Scenario));
        }

        if (_opening.Count == 0 && _totalWeight > 0 && _next <= now)
        {
            due.Add(Request(Pick()));
            _next = now + NextGap();
        }

        return due;
    }

    private static ScenarioRequest Request(string scenario) =>
        scenario == ScenarioCatalog.Storm
            ? new ScenarioRequest(scenario, Count: DemoPace.StormSize)
            : ScenarioRequest.TryParse(scenario, out var request, out _) ? request : new ScenarioRequest(scenario);

    private static string NameOf(string spec) => spec.Split(':', 2)[0];

    private string Pick()
    {
        var x = _random.NextDouble() * _totalWeight;
        foreach (var (scenario, weight) in _weights)
        {
            x -= weight;
            if (x < 0)
            {
                return scenario;
            }
        }

        return _weights[^1].Scenario;
    }

    private TimeSpan NextGap()
    {
        // Exponential gaps (inverse transform), clamped so the wall is neither flooded nor idle.
        var seconds = -_pace.MeanGap.TotalSeconds * Math.Log(1 - _random.NextDouble());
        return TimeSpan.FromSeconds(Math.Clamp(seconds, _pace.MinGap.TotalSeconds, _pace.MaxGap.TotalSeconds));
    }
}
