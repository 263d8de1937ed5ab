using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using RiskMonitor.Simulator.Assets;
using RiskMonitor.Simulator.Mqtt;
using RiskMonitor.Simulator.Scenarios;

namespace RiskMonitor.Simulator.Hosting;

internal sealed record ScenarioList(
    IReadOnlyList<ScenarioDefinition> Available, IReadOnlyList<ScenarioRunView> Current, IReadOnlyList<ScenarioRunView> Recent);

internal sealed record SimulatorStatsView(
    int Assets, int Gateways, int ConnectedGateways, long Readings, long Messages, long Dropped, long Suppressed, int Scenarios);

/// <summary>The loopback HTTP control surface: start scenarios while the simulator runs (a demo operator's remote).</summary>
internal static class ControlEndpoints
{
    public const string OneLineHelp =
        "RiskMonitor simulator. GET /scenarios lists scenarios and runs; POST /scenarios/{name}?asset=ID[&delaySeconds=S&durationSeconds=S&count=N&status=true] starts one; DELETE /scenarios ends all; GET /stats counters.";

    public static IEndpointRouteBuilder MapControlEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", () => TypedResults.Text(OneLineHelp + "\n"));
        routes.MapGet("/scenarios", List);
        routes.MapPost("/scenarios/{name}", Start);
        routes.MapDelete("/scenarios", StopAll);
        routes.MapGet("/stats", Stats);
        return routes;
    }

    private static Ok<ScenarioList> List(ScenarioEngine engine, TimeProvider time)
    {
        var (current, recent) = engine.Snapshot(time.GetUtcNow());
        return TypedResults.Ok(new ScenarioList(ScenarioCatalog.All, current, recent));
    }

    private static Results<Accepted<ScenarioStarted>, BadRequest<ProblemDetails>, NotFound<ProblemDetails>, Conflict<ProblemDetails>> Start(
        string name, string? asset, double? delaySeconds, double? durationSeconds, int? count, bool? status,
        ScenarioEngine engine, TimeProvider time, ILoggerFactory loggers)
    {
        if (delaySeconds is < 0 or > 86_400 || durationSeconds is <= 0 or > 86_400 || count is < 1)
        {
            return TypedResults.BadRequest(Problem("Bad parameters",
                "delaySeconds must be 0..86400, durationSeconds 1..86400 and count at least 1."));
        }

        var request = new ScenarioRequest(
            name, string.IsNullOrWhiteSpace(asset) ? null : asset, TimeSpan.FromSeconds(delaySeconds ?? 0),
            durationSeconds is { } d ? TimeSpan.FromSeconds(d) : null, count, status);
        var outcome = engine.Start(request, time.GetUtcNow());
        var logger = loggers.CreateLogger(typeof(ControlEndpoints).FullName!);
        if (outcome.Started is { } started)
        {
            SimulatorLog.ScenarioStarted(logger, started.RunId, started.Description);
            return TypedResults.Accepted("/scenarios", started);
        }

        SimulatorLog.ScenarioRefused(logger, name, outcome.Message);
        return outcome.Kind switch
        {
            ScenarioOutcomeKind.UnknownScenario => TypedResults.NotFound(Problem("Unknown scenario", outcome.Message)),
            ScenarioOutcomeKind.UnknownAsset => TypedResults.NotFound(Problem("Unknown asset", outcome.Message)),
            ScenarioOutcomeKind.WrongKind => TypedResults.BadRequest(Problem("Wrong asset kind", outcome.Message)),
            _ => TypedResults.Conflict(Problem("Scenario not started", outcome.Message)),
        };
    }

    private static Ok<ScenarioList> StopAll(ScenarioEngine engine, TimeProvider time)
    {
        engine.StopAll(time.GetUtcNow());
        return List(engine, time);
    }

    private static Ok<SimulatorStatsView> Stats(SimulatorStats stats, GatewayPool gateways, SimulatedAssets assets, ScenarioEngine engine) =>
        TypedResults.Ok(new SimulatorStatsView(assets.All.Count, gateways.Count, gateways.ConnectedCount, stats.Readings, stats.Messages,
            stats.Dropped, stats.Suppressed, engine.RunCount));

    private static ProblemDetails Problem(string title, string detail) => new() { Title = title, Detail = detail };
}
