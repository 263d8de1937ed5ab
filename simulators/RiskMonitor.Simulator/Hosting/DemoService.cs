using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RiskMonitor.Simulator.Assets;
using RiskMonitor.Simulator.Cli;
using RiskMonitor.Simulator.Scenarios;
using RiskMonitor.Simulator.Vehicles;

namespace RiskMonitor.Simulator.Hosting;

/// <summary>
/// Demo mode (<c>--demo</c>, on in run.sh, off in tests): asks the <see cref="DemoDirector"/> once a second what is
/// due and starts it on the scenario engine like a hand-made request, so the wall has something to show from the
/// first minute. A refusal (the random target is busy) is logged and the demo moves on.
/// </summary>
internal sealed class DemoService(
    SimulatorOptions options, SimulatedAssets assets, SimulatedVehicles vehicles, ScenarioEngine scenarios, TimeProvider time,
    ILogger<DemoService> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    /// <summary>The scenarios this city can play: those whose target kind it has (any kind for <c>silent</c>).</summary>
    public static IReadOnlyList<string> Playable(IEnumerable<string> kinds)
    {
        var present = kinds.ToHashSet(StringComparer.Ordinal);
        return [.. ScenarioCatalog.All
            .Where(d => d.Name != ScenarioCatalog.Malformed && (d.TargetKinds.Count == 0 || d.TargetKinds.Any(present.Contains)))
            .Select(d => d.Name)];
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Demo)
        {
            return;
        }

        var kinds = assets.All.Select(a => a.Kind).Concat(vehicles.All.Select(v => v.AsAsset().Kind));
        var director = new DemoDirector(DemoPace.Default, new Random(options.Seed), Playable(kinds), time.GetUtcNow());
        SimulatorLog.DemoMode(logger, director.NextAt);
        using var timer = new PeriodicTimer(Tick, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var request in director.Due(time.GetUtcNow()))
                {
                    var outcome = scenarios.Start(request, time.GetUtcNow());
                    if (outcome.Started is { } started)
                    {
                        SimulatorLog.ScenarioStarted(logger, started.RunId, $"demo: {started.Description}");
                    }
                    else
                    {
                        SimulatorLog.ScenarioRefused(logger, request.Name, outcome.Message);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping; SimulatorService ends what is running
        }
    }
}
