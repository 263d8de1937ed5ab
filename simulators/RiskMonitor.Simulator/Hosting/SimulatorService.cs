using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RiskMonitor.Simulator.Assets;
using RiskMonitor.Simulator.Cli;
using RiskMonitor.Simulator.Drills;
using RiskMonitor.Simulator.Mqtt;
using RiskMonitor.Simulator.Scenarios;
using RiskMonitor.Simulator.Telemetry;

namespace RiskMonitor.Simulator.Hosting;

/// <summary>
/// The publishing loop: every 10 ms it samples the assets that are due, lets the scenarios bend the readings, batches
/// them per asset and hands them to the asset's gateway; it also sends the scenarios' one-off messages.
/// </summary>
internal sealed class SimulatorService : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);

    // After a stall (a GC pause, a slow broker) an asset skips what it missed instead of bursting to catch up.
    private static readonly TimeSpan MaxLag = TimeSpan.FromSeconds(1);

    private readonly SimulatorOptions _options;
    private readonly SimulatedAssets _assets;
    private readonly GatewayPool _gateways;
    private readonly ScenarioEngine _scenarios;
    private readonly SimulatorStats _stats;
    private readonly DrillConductor _drill;
    private readonly TimeProvider _time;
    private readonly ILogger<SimulatorService> _logger;
    private readonly AssetRuntime[] _runtimes;
    private readonly double _speedUp;

    public SimulatorService(
        SimulatorOptions options, SimulatedAssets assets, GatewayPool gateways, ScenarioEngine scenarios, SimulatorStats stats,
        DrillConductor drill, TimeProvider time, ILogger<SimulatorService> logger)
    {
        _drill = drill;
        _options = options;
        _assets = assets;
        _gateways = gateways;
        _scenarios = scenarios;
        _stats = stats;
        _time = time;
        _logger = logger;
        _speedUp = TelemetrySchedule.SpeedUp(assets.All, options.RatePerSecond);
        _runtimes = assets.All
            .Select(a => new AssetRuntime(a, ValueModel.For(a, options.Seed), TelemetrySchedule.PeriodOf(a, _speedUp), gateways.GatewayFor(a.Id)))
            .ToArray();
        var elevators = _runtimes.Where(r => r.Model is ElevatorModel).ToDictionary(r => r.Asset.Id, r => (ElevatorModel)r.Model);
        // Read from HTTP threads while the loop writes it: an int read is atomic, and a floor one step stale is fine.
        scenarios.CurrentFloor = id => elevators.TryGetValue(id, out var elevator) ? elevator.CurrentFloor : null;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Close what is open (entrapment cleared, silent assets back online) so the server is not left with
        // conditions that no device will ever clear.
        var now = _time.GetUtcNow();
        _scenarios.StopAll(now);
        await PublishAsync(_scenarios.TakeDue(now), cancellationToken);
        // After the drill's closing events, so they count; the drill's report is fetched and written here.
        await _drill.EndAsync(cancellationToken);
        await _gateways.ShutdownAsync(_options.OfflineOnExit, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_assets.Skipped.Count > 0)
        {
            SimulatorLog.SkippedFeatures(_logger, _assets.Skipped.Count, _assets.Skipped[0]);
        }

        var natural = TelemetrySchedule.NaturalRate(_assets.All);
        SimulatorLog.Starting(_logger, _assets.All.Count, _gateways.Count, _options.Host, _options.Port, natural * _speedUp, natural, _speedUp,
            _options.Batch, _options.Qos);
        try
        {
            await _gateways.ProvisionAsync(stoppingToken);
            await _gateways.ConnectAllAsync(stoppingToken);
            // Command-line scenarios count their delay from the moment the gateways are up, not from process start.
            foreach (var request in _options.Scenarios)
            {
                var outcome = _scenarios.Start(request, _time.GetUtcNow());
                if (outcome.Started is { } started)
                {
                    SimulatorLog.ScenarioStarted(_logger, started.RunId, started.Description);
                }
                else
                {
                    SimulatorLog.ScenarioRefused(_logger, request.Name, outcome.Message);
                }
            }

            // A drill is recorded on the server before any of its readings go out: the drill key takes only a running drill's.
            if (_drill.Enabled && !await _drill.BeginAsync(stoppingToken))
            {
                return;
            }

            var supervision = _gateways.SuperviseAsync(stoppingToken);
            var progress = ReportProgressAsync(stoppingToken);
            var drillEnd = _drill.HoldAsync(stoppingToken);
            await PumpAsync(stoppingToken);
            await Task.WhenAll(supervision, progress, drillEnd);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Ctrl-C or SIGTERM; StopAsync says goodbye to the broker.
        }
    }

    private async Task PumpAsync(CancellationToken stoppingToken)
    {
        var now = _time.GetUtcNow();
        var phases = new Random(_options.Seed);
        var queue = new PriorityQueue<AssetRuntime, DateTimeOffset>(_runtimes.Length);
        foreach (var runtime in _runtimes)
        {
            // Spread first readings over one period so the load is even from the start, not a spike every interval.
            runtime.Due = now + (runtime.Period * phases.NextDouble());
            runtime.LastSampleAt = now - runtime.Period;
            // Likewise spread the first batch's size, or every asset of a kind would complete its batch in the same
            // period and the broker would see waves of messages instead of a steady stream.
            runtime.FlushAfter = phases.Next(1, _options.Batch + 1);
            queue.Enqueue(runtime, runtime.Due);
        }

        var outboxes = Enumerable.Range(0, _gateways.Count).Select(_ => new List<OutboundMessage>()).ToArray();
        using var timer = new PeriodicTimer(Tick, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            now = _time.GetUtcNow();
            while (queue.TryPeek(out var runtime, out var due) && due <= now)
            {
                queue.Dequeue();
                Sample(runtime, now, outboxes);
                runtime.Due = due + runtime.Period;
                if (runtime.Due < now - MaxLag)
                {
                    runtime.Due = now + runtime.Period;
                }

                queue.Enqueue(runtime, runtime.Due);
            }

            foreach (var message in _scenarios.TakeDue(now))
            {
                SimulatorLog.ScenarioMessage(_logger, message.Description, message.Topic);
                outboxes[_gateways.GatewayFor(message.RouteAssetId)].Add(message);
            }

            await Task.WhenAll(outboxes.Select((outbox, gateway) => outbox.Count == 0
                ? Task.CompletedTask
                : _gateways.PublishAsync(gateway, outbox, stoppingToken)));
            foreach (var outbox in outboxes)
            {
                outbox.Clear();
            }
        }
    }

    private void Sample(AssetRuntime runtime, DateTimeOffset now, List<OutboundMessage>[] outboxes)
    {
        var values = runtime.Model.Next(now, now - runtime.LastSampleAt);
        runtime.LastSampleAt = now;
        // A drill bends a copy and sends it on the drill channel at once (QoS 1: a drill is a handful of readings, and a
        // lost one would make the rehearsal lie); the real reading below goes out as the device measured it.
        if (_scenarios.ApplyDrill(runtime.Asset.Id, now, values) is { } drill)
        {
            outboxes[runtime.Gateway].Add(DrillChannel.Reading(drill.DrillId, runtime.Asset.Id, new TelemetrySample(now, drill.Values), reliable: true));
        }

        if (!_scenarios.Apply(runtime.Asset.Id, now, values))
        {
            runtime.Pending.Clear(); // a silent device loses its buffer too
            _stats.Suppress();
            return;
        }

        runtime.Pending.Add(new TelemetrySample(now, values));
        if (runtime.Pending.Count < runtime.FlushAfter)
        {
            return;
        }

        runtime.FlushAfter = _options.Batch;

        var payload = _options.Batch == 1 ? PayloadBuilder.Telemetry(runtime.Pending[0]) : PayloadBuilder.TelemetryBatch(runtime.Pending);
        outboxes[runtime.Gateway].Add(new OutboundMessage(
            Topics.Telemetry(runtime.Asset.Id), payload, false, false, runtime.Asset.Id, "telemetry", runtime.Pending.Count));
        runtime.Pending.Clear();
    }

    private async Task PublishAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var group in messages.GroupBy(m => _gateways.GatewayFor(m.RouteAssetId)))
        {
            await _gateways.PublishAsync(group.Key, group.ToList(), cancellationToken);
        }
    }

    private async Task ReportProgressAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.StatsInterval, _time);
        var lastReadings = _stats.Readings;
        var lastAt = _time.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var readings = _stats.Readings;
                var at = _time.GetTimestamp();
                var seconds = _time.GetElapsedTime(lastAt, at).TotalSeconds;
                SimulatorLog.Progress(_logger, readings, _stats.Messages, (readings - lastReadings) / seconds, seconds, _stats.Dropped,
                    _stats.Suppressed, _gateways.ConnectedCount, _gateways.Count, _scenarios.RunCount);
                (lastReadings, lastAt) = (readings, at);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    private sealed class AssetRuntime(SimAsset asset, ValueModel model, TimeSpan period, int gateway)
    {
        public SimAsset Asset { get; } = asset;

        public ValueModel Model { get; } = model;

        public TimeSpan Period { get; } = period;

        public int Gateway { get; } = gateway;

        public DateTimeOffset Due { get; set; }

        public DateTimeOffset LastSampleAt { get; set; }

        public List<TelemetrySample> Pending { get; } = [];

        public int FlushAfter { get; set; } = 1;
    }
}
