using System.Globalization;
using RiskMonitor.Simulator.Assets;
using RiskMonitor.Simulator.Drills;
using RiskMonitor.Simulator.Telemetry;

namespace RiskMonitor.Simulator.Scenarios;

/// <summary>Scenario defaults from the command line.</summary>
internal sealed record ScenarioSettings(TimeSpan EntrapmentDuration, TimeSpan SilentDuration, bool SilentPublishesStatus)
{
    public static ScenarioSettings Default { get; } = new(TimeSpan.FromSeconds(120), TimeSpan.FromMinutes(5), false);
}

internal enum ScenarioOutcomeKind
{
    Accepted,
    UnknownScenario,
    UnknownAsset,
    WrongKind,
    Busy,
    NoTarget,
}

/// <summary>What a started scenario will do; the body of the HTTP 202.</summary>
internal sealed record ScenarioStarted(
    string RunId, string Scenario, IReadOnlyList<string> AssetIds, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Description);

internal sealed record ScenarioOutcome(ScenarioOutcomeKind Kind, string Message, ScenarioStarted? Started = null);

/// <summary>A run as <c>GET /scenarios</c> shows it: pending, active, ended or cancelled.</summary>
internal sealed record ScenarioRunView(
    string RunId, string Scenario, string AssetId, string State, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string? GroupId);

/// <summary>
/// Holds the scenarios in play and decides, for a given time, how they bend each asset's readings and which one-off
/// messages (events, status flips, bad payloads) are due. No clock and no I/O: the caller passes the time in and
/// publishes what comes out, so a test can walk a scenario through its whole timeline.
/// </summary>
/// <remarks>Called from the telemetry loop and from HTTP requests at once, hence the lock; every call is short.</remarks>
internal sealed class ScenarioEngine
{
    private const int HistoryLimit = 100;
    private const double RampNoise = 0.02;

    private readonly Lock _gate = new();
    private readonly IReadOnlyList<SimAsset> _assetList;
    private readonly Dictionary<string, SimAsset> _assets;
    private readonly ScenarioSettings _settings;
    private readonly Random _random;
    private readonly List<Run> _runs = [];
    private readonly Dictionary<string, List<Run>> _runsByAsset = new(StringComparer.Ordinal);
    private readonly LinkedList<ScenarioRunView> _history = new();
    private readonly HashSet<string> _reportedOffline = new(StringComparer.Ordinal);
    private int _runNumber;

    public ScenarioEngine(IReadOnlyList<SimAsset> assets, ScenarioSettings settings, Random random)
    {
        _assetList = assets;
        _assets = assets.ToDictionary(a => a.Id, StringComparer.Ordinal);
        _settings = settings;
        _random = random;
    }

    /// <summary>Where an elevator's car is now, so an entrapment starts on the floor the telemetry last showed.</summary>
    public Func<string, int?>? CurrentFloor { get; set; }

    public int RunCount
    {
        get
        {
            lock (_gate)
            {
                return _runs.Count;
            }
        }
    }

    public ScenarioOutcome Start(ScenarioRequest request, DateTimeOffset now)
    {
        if (ScenarioCatalog.Find(request.Name) is not { } definition)
        {
            return new(ScenarioOutcomeKind.UnknownScenario,
                $"Unknown scenario '{request.Name}'. Known: {string.Join(", ", ScenarioCatalog.All.Select(d => d.Name))}.");
        }

        if (request.DrillId is not null && DrillChannel.Refusal(definition.Name) is { } refusal)
        {
            return new(ScenarioOutcomeKind.WrongKind, $"{definition.Name} cannot be a drill: {refusal}.");
        }

        var startsAt = now + (request.Delay > TimeSpan.Zero ? request.Delay : TimeSpan.Zero);
        lock (_gate)
        {
            return definition.Name == ScenarioCatalog.Storm
                ? StartStorm(request, startsAt)
                : StartSingle(definition, request, startsAt);
        }
    }

    /// <summary>
    /// Bends one reading by the scenarios active on its asset at <paramref name="at"/>. Returns false when the asset
    /// is silent and the reading must not be sent.
    /// </summary>
    /// <remarks>Drill runs leave the real reading alone: they bend the copy <see cref="ApplyDrill"/> makes.</remarks>
    public bool Apply(string assetId, DateTimeOffset at, ChannelValues values)
    {
        lock (_gate)
        {
            if (!_runsByAsset.TryGetValue(assetId, out var runs))
            {
                return true;
            }

            var publish = true;
            foreach (var run in runs)
            {
                if (run.DrillId is null && at >= run.StartsAt && at < run.EndsAt)
                {
                    publish &= Bend(run, at, values);
                }
            }

            return publish;
        }
    }

    /// <summary>
    /// The drill copy of a reading: when a drill run is active on the asset at <paramref name="at"/>, bends a copy of
    /// <paramref name="values"/> by it and returns the drill's id with the copy; otherwise null. The real reading, and
    /// so the real record, is left as the device measured it.
    /// </summary>
    public (string DrillId, ChannelValues Values)? ApplyDrill(string assetId, DateTimeOffset at, ChannelValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        lock (_gate)
        {
            if (!_runsByAsset.TryGetValue(assetId, out var runs))
            {
                return null;
            }

            (string, ChannelValues)? copy = null;
            foreach (var run in runs)
            {
                if (run.DrillId is { } drillId && at >= run.StartsAt && at < run.EndsAt)
                {
                    copy ??= (drillId, values.Copy());
                    Bend(run, at, copy.Value.Item2);
                }
            }

            return copy;
        }
    }

    /// <summary>Bends one reading by one active run; false when the run silences the asset.</summary>
    private bool Bend(Run run, DateTimeOffset at, ChannelValues values)
    {
        switch (run.Scenario)
        {
            case ScenarioCatalog.GasLeak or ScenarioCatalog.OverPressure:
                // The leak adds to whatever was there; noise keeps the ramp from looking drawn with a ruler.
                var ramp = run.Profile!.ValueAt(at - run.StartsAt) * (1 + (RampNoise * Gaussian()));
                var normal = values.TryGet(run.Channel!, out var current) ? current : 0;
                values.Set(run.Channel!, Math.Round(Math.Max(normal, ramp), 2));
                return true;
            case ScenarioCatalog.Entrapment:
                // Trapped: the car stands still with the door shut and the passengers' weight in it.
                values.Set(Channels.SpeedMps, 0).Set(Channels.DoorOpen, 0).Set(Channels.Floor, run.Floor)
                    .Set(Channels.LoadKg, run.Passengers * 65);
                return true;
            case ScenarioCatalog.Silent:
                return false;
            case var sensor when SensorScenarios.Handles(sensor):
                run.Effect!.Apply(at - run.StartsAt, values, Gaussian);
                return true;
            default:
                return true;
        }
    }

    /// <summary>Starts and ends runs whose time has come and returns the one-off messages that go with that.</summary>
    public IReadOnlyList<OutboundMessage> TakeDue(DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_runs.Count == 0)
            {
                return [];
            }

            var due = new List<OutboundMessage>();
            foreach (var run in _runs.ToArray())
            {
                var first = due.Count;
                if (!run.Started && now >= run.StartsAt)
                {
                    run.Started = true;
                    AddStartMessages(run, now, due);
                }

                if (run.Started && now >= run.EndsAt)
                {
                    AddEndMessages(run, now, due);
                    Finish(run, "ended");
                }

                // A drill's device events go on the drill channel, so the real record never hears them.
                for (var k = first; run.DrillId is { } drillId && k < due.Count; k++)
                {
                    due[k] = DrillChannel.Wrap(drillId, due[k]);
                }
            }

            return due;
        }
    }

    /// <summary>Ends every run: pending ones are dropped, active ones end at the next <see cref="TakeDue"/> with their closing messages.</summary>
    public int StopAll(DateTimeOffset now)
    {
        lock (_gate)
        {
            var count = _runs.Count;
            foreach (var run in _runs.ToArray())
            {
                if (run.Started)
                {
                    run.EndsAt = run.EndsAt < now ? run.EndsAt : now;
                }
                else
                {
                    Finish(run, "cancelled");
                }
            }

            return count;
        }
    }

    /// <summary>The vehicle scenario active on <paramref name="vehicleId"/> at <paramref name="at"/>, if any.</summary>
    public string? DetourOf(string vehicleId, DateTimeOffset at)
    {
        lock (_gate)
        {
            return _runsByAsset.TryGetValue(vehicleId, out var runs)
                ? runs.FirstOrDefault(r => r.Scenario is ScenarioCatalog.VehicleOffRoute or ScenarioCatalog.VehicleIntoZone && at >= r.StartsAt && at < r.EndsAt)?.Scenario
                : null;
        }
    }

    /// <summary>True while a <c>silent</c> run has set the asset's retained status to offline; reconnects must keep it so.</summary>
    public bool IsReportedOffline(string assetId)
    {
        lock (_gate)
        {
            return _reportedOffline.Contains(assetId);
        }
    }

    public (IReadOnlyList<ScenarioRunView> Current, IReadOnlyList<ScenarioRunView> Recent) Snapshot(DateTimeOffset now)
    {
        lock (_gate)
        {
            return (_runs.Select(r => r.View(now < r.StartsAt ? "pending" : "active")).ToList(), _history.ToList());
        }
    }

    private ScenarioOutcome StartStorm(ScenarioRequest request, DateTimeOffset startsAt)
    {
        var wanted = request.Count ?? ScenarioCatalog.DefaultStormSize;
        var candidates = _assetList.Where(a => a.Kind == AssetKinds.GasPipeline && !IsBusy(a.Id, ScenarioCatalog.GasLeak)).ToArray();
        if (candidates.Length == 0)
        {
            return new(ScenarioOutcomeKind.NoTarget, "No pipeline is free for a storm (every one already has a gas-leak).");
        }

        _random.Shuffle(candidates);
        var groupId = NextRunId();
        var chosen = candidates.Take(wanted).ToList();
        foreach (var asset in chosen)
        {
            AddRun(new Run(NextRunId(), ScenarioCatalog.GasLeak, asset.Id, startsAt, startsAt + RampProfile.GasLeak.Duration)
            {
                Profile = RampProfile.GasLeak,
                Channel = Channels.Ch4Lel,
                GroupId = groupId,
                DrillId = request.DrillId,
            });
        }

        var description = $"storm: gas-leak on {chosen.Count} pipelines"
            + (chosen.Count < wanted ? $" (only {chosen.Count} of {wanted} were free)" : string.Empty)
            + $", starting {Time(startsAt)}.";
        return Accepted(new ScenarioStarted(groupId, ScenarioCatalog.Storm, chosen.Select(a => a.Id).ToList(), startsAt,
            startsAt + RampProfile.GasLeak.Duration, description));
    }

    private ScenarioOutcome StartSingle(ScenarioDefinition definition, ScenarioRequest request, DateTimeOffset startsAt)
    {
        SimAsset asset;
        if (request.Target is null)
        {
            var candidates = _assetList
                .Where(a => Fits(definition, a) && (definition.Name == ScenarioCatalog.Malformed || !IsBusy(a.Id, definition.Name)))
                .ToList();
            if (candidates.Count == 0)
            {
                return new(ScenarioOutcomeKind.NoTarget, $"No simulated asset fits {definition.Name} ({KindsText(definition)}).");
            }

            // malformed needs just some valid, known id; the first keeps reruns comparable.
            asset = definition.Name == ScenarioCatalog.Malformed ? candidates[0] : candidates[_random.Next(candidates.Count)];
        }
        else if (!_assets.TryGetValue(request.Target, out asset!))
        {
            return new(ScenarioOutcomeKind.UnknownAsset, $"Asset '{request.Target}' is not simulated in this run (check the id and --assets-limit).");
        }
        else if (!Fits(definition, asset))
        {
            return new(ScenarioOutcomeKind.WrongKind,
                $"{definition.Name} applies to {KindsText(definition)}; '{asset.Id}' is of kind {asset.Kind}.");
        }
        else if (definition.Name != ScenarioCatalog.Malformed && IsBusy(asset.Id, definition.Name))
        {
            return new(ScenarioOutcomeKind.Busy, $"{definition.Name} is already pending or active on '{asset.Id}'.");
        }

        var id = NextRunId();
        Run run;
        string what;
        switch (definition.Name)
        {
            case ScenarioCatalog.GasLeak:
                run = new Run(id, definition.Name, asset.Id, startsAt, startsAt + RampProfile.GasLeak.Duration)
                {
                    Profile = RampProfile.GasLeak,
                    Channel = Channels.Ch4Lel,
                };
                what = "ch4_lel ~1 -> 60 % LEL over 40 s, held 20 s, back to ~1 over 20 s";
                break;
            case ScenarioCatalog.OverPressure:
                run = new Run(id, definition.Name, asset.Id, startsAt, startsAt + RampProfile.OverPressure.Duration)
                {
                    Profile = RampProfile.OverPressure,
                    Channel = Channels.PressureKpa,
                };
                what = "pressure_kpa up to ~800 over 40 s, held 20 s, back over 30 s";
                break;
            case ScenarioCatalog.Entrapment:
                var duration = request.Duration ?? _settings.EntrapmentDuration;
                var floors = asset.Floors ?? 20;
                run = new Run(id, definition.Name, asset.Id, startsAt, startsAt + duration)
                {
                    Floor = Math.Clamp(CurrentFloor?.Invoke(asset.Id) ?? _random.Next(2, floors + 1), 1, floors),
                    Passengers = _random.Next(1, 5),
                };
                what = $"entrapment event on floor {run.Floor} with {run.Passengers} passenger(s), cleared after {duration.TotalSeconds:0} s";
                break;
            case ScenarioCatalog.Silent:
                var silence = request.Duration ?? _settings.SilentDuration;
                run = new Run(id, definition.Name, asset.Id, startsAt, startsAt + silence)
                {
                    PublishStatus = request.PublishStatus ?? _settings.SilentPublishesStatus,
                };
                what = $"no telemetry for {silence.TotalSeconds:0} s"
                    + (run.PublishStatus ? ", retained status offline meanwhile" : ", status left online");
                break;
            case ScenarioCatalog.VehicleOffRoute or ScenarioCatalog.VehicleIntoZone:
                var detour = request.Duration ?? TimeSpan.FromSeconds(definition.Name == ScenarioCatalog.VehicleOffRoute ? 120 : 60);
                run = new Run(id, definition.Name, asset.Id, startsAt, startsAt + detour);
                what = (definition.Name == ScenarioCatalog.VehicleOffRoute ? "800 m off its approved route" : "inside the nearest restricted zone")
                    + $" for {detour.TotalSeconds:0} s";
                break;
            case var sensor when SensorScenarios.Handles(sensor):
                var effect = SensorScenarios.Create(sensor, request.Duration);
                run = new Run(id, definition.Name, asset.Id, startsAt, startsAt + effect.Duration) { Effect = effect };
                what = effect.Description;
                break;
            default:
                run = new Run(id, definition.Name, asset.Id, startsAt, startsAt);
                what = "one of each bad payload (12 messages)";
                break;
        }

        run.DrillId = request.DrillId;
        AddRun(run);
        var description = $"{(request.DrillId is null ? "" : $"drill {request.DrillId}: ")}{definition.Name} on {asset.Id} ({asset.Name}): {what}; starts {Time(startsAt)}.";
        return Accepted(new ScenarioStarted(id, definition.Name, [asset.Id], run.StartsAt, run.EndsAt, description));
    }

    private void AddStartMessages(Run run, DateTimeOffset now, List<OutboundMessage> due)
    {
        switch (run.Scenario)
        {
            case ScenarioCatalog.Entrapment:
                due.Add(EntrapmentEvent(run, now, active: true, [new("floor", run.Floor), new("passengers", run.Passengers)]));
                break;
            case ScenarioCatalog.Silent when run.PublishStatus:
                _reportedOffline.Add(run.AssetId);
                due.Add(new(Topics.Status(run.AssetId), PayloadBuilder.Offline, true, true, run.AssetId, "status offline (silent)"));
                break;
            case ScenarioCatalog.Malformed:
                due.AddRange(MalformedPayloads.Build(run.AssetId, now));
                break;
        }
    }

    private void AddEndMessages(Run run, DateTimeOffset now, List<OutboundMessage> due)
    {
        switch (run.Scenario)
        {
            case ScenarioCatalog.Entrapment:
                due.Add(EntrapmentEvent(run, now, active: false, [new("floor", run.Floor)]));
                break;
            case ScenarioCatalog.Silent when run.PublishStatus:
                _reportedOffline.Remove(run.AssetId);
                due.Add(new(Topics.Status(run.AssetId), PayloadBuilder.Online, true, true, run.AssetId, "status online (silent over)"));
                break;
        }
    }

    // Events go out at QoS 1: an entrapment that never arrives is the one message the demo cannot lose.
    private static OutboundMessage EntrapmentEvent(Run run, DateTimeOffset now, bool active, KeyValuePair<string, double>[] detail) =>
        new(Topics.Event(run.AssetId), PayloadBuilder.Event(now, "entrapment", active, detail), false, true, run.AssetId,
            $"entrapment active:{(active ? "true" : "false")}");

    private void AddRun(Run run)
    {
        _runs.Add(run);
        if (!_runsByAsset.TryGetValue(run.AssetId, out var list))
        {
            _runsByAsset[run.AssetId] = list = [];
        }

        list.Add(run);
    }

    private void Finish(Run run, string state)
    {
        _runs.Remove(run);
        if (_runsByAsset.TryGetValue(run.AssetId, out var list) && list.Remove(run) && list.Count == 0)
        {
            _runsByAsset.Remove(run.AssetId);
        }

        _history.AddFirst(run.View(state));
        if (_history.Count > HistoryLimit)
        {
            _history.RemoveLast();
        }
    }

    private bool IsBusy(string assetId, string scenario) =>
        _runsByAsset.TryGetValue(assetId, out var runs) && runs.Any(r => r.Scenario == scenario);

    // A scenario for any kind means any telemetry asset: vehicles take only the vehicle scenarios.
    private static bool Fits(ScenarioDefinition definition, SimAsset asset) =>
        definition.TargetKinds.Count == 0 ? asset.Kind != AssetKinds.HazmatVehicle : definition.TargetKinds.Contains(asset.Kind);

    private static string KindsText(ScenarioDefinition definition) =>
        definition.TargetKinds.Count == 0 ? "any asset" : string.Join(" or ", definition.TargetKinds);

    private static ScenarioOutcome Accepted(ScenarioStarted started) => new(ScenarioOutcomeKind.Accepted, started.Description, started);

    private string NextRunId() => "s-" + (++_runNumber).ToString("0000", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private double Gaussian()
    {
        var u1 = 1.0 - _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * _random.NextDouble());
    }

    private sealed class Run(string runId, string scenario, string assetId, DateTimeOffset startsAt, DateTimeOffset endsAt)
    {
        public string RunId { get; } = runId;

        public string Scenario { get; } = scenario;

        public string AssetId { get; } = assetId;

        public DateTimeOffset StartsAt { get; } = startsAt;

        public DateTimeOffset EndsAt { get; set; } = endsAt;

        public bool Started { get; set; }

        public RampProfile? Profile { get; init; }

        public string? Channel { get; init; }

        public int Floor { get; init; }

        public int Passengers { get; init; }

        public bool PublishStatus { get; init; }

        public string? GroupId { get; init; }

        public SensorEffect? Effect { get; init; }

        /// <summary>The drill it plays in, or null for a real-looking run (decision 0049).</summary>
        public string? DrillId { get; set; }

        public ScenarioRunView View(string state) => new(RunId, Scenario, AssetId, state, StartsAt, EndsAt, GroupId);
    }
}
