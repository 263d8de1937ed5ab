using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Server.Silences;
using RiskMonitor.Server.Tests.Fakes;
using RiskMonitor.Storage.Silences;

namespace RiskMonitor.Server.Tests.Silences;

/// <summary>Starting and ending silences (an operator's mute), in process: real validation, read models and store, recorded pushes.</summary>
public sealed class SilenceCommandsTests
{
    private readonly FakeTimeProvider _time = new(InMemoryPorts.T0);
    private readonly InMemoryPorts _ports = new(("gp-1", "r-east"), ("gp-2", "r-west"));
    private readonly InMemorySilenceStore _store = new();
    private readonly AlertReadModel _alerts = new();
    private readonly SilenceCommands _commands;

    public SilenceCommandsTests()
    {
        var silences = new SilenceReadModel(_store, _ports, _time, NullLogger<SilenceReadModel>.Instance);
        _commands = new SilenceCommands(_store, silences, _alerts, _ports, _ports, _ports, _ports, _time, NullLogger<SilenceCommands>.Instance);
        _alerts.Apply(InMemoryPorts.Alert("a-1", "gp-1", "r-east", WarningLevel.Red));
        _alerts.Apply(InMemoryPorts.Alert("a-2", "gp-2", "r-west", WarningLevel.Orange));
    }

    [Fact]
    public async Task A_silence_over_an_asset_is_stored_and_the_pages_learn_which_alert_it_silenced()
    {
        var ct = TestContext.Current.CancellationToken;

        var result = await _commands.CreateAsync(Request("asset", "gp-1"), InMemoryPorts.CityWide, ct);

        var created = Assert.IsType<Created<SilenceView>>(result.Result);
        Assert.Equal($"/api/silences/{created.Value!.SilenceId}", created.Location);
        Assert.True(created.Value.InForce);
        Assert.NotNull(await _store.FindAsync(created.Value.SilenceId, ct));
        var pushed = Assert.Single(_ports.Pushed);
        Assert.Equal("a-1", pushed.Alert.AlertId); // a-2 is another asset's: not pushed again
        Assert.Empty(_ports.Rechecked); // a silenced alert's clock holds by itself; nothing to look at now
    }

    [Fact]
    public async Task Ending_a_silence_releases_its_alert_and_its_escalation_clock_looks_again_at_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var created = Assert.IsType<Created<SilenceView>>((await _commands.CreateAsync(Request("region", "r-east"), InMemoryPorts.CityWide, ct)).Result);
        _ports.Pushed.Clear();
        _time.Advance(TimeSpan.FromMinutes(5));

        var result = await _commands.ExpireAsync(created.Value!.SilenceId, new ExpireSilenceRequest("zhang.min", "repaired"), InMemoryPorts.CityWide, ct);

        var ended = Assert.IsType<Ok<SilenceView>>(result.Result);
        Assert.False(ended.Value!.InForce);
        Assert.Equal("a-1", Assert.Single(_ports.Pushed).Alert.AlertId);
        Assert.Equal(["a-1"], _ports.Rechecked);

        var again = await _commands.ExpireAsync(created.Value.SilenceId, new ExpireSilenceRequest("zhang.min", null), InMemoryPorts.CityWide, ct);
        Assert.Equal(StatusCodes.Status409Conflict, Assert.IsType<ProblemHttpResult>(again.Result).StatusCode);
        var unknown = await _commands.ExpireAsync("sil-none", new ExpireSilenceRequest("zhang.min", null), InMemoryPorts.CityWide, ct);
        Assert.Equal(StatusCodes.Status404NotFound, Assert.IsType<ProblemHttpResult>(unknown.Result).StatusCode);
    }

    [Fact]
    public async Task A_bad_request_names_each_field_and_stores_and_pushes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;

        var result = await _commands.CreateAsync(
            Request("asset", "gp-404") with { EndsAt = InMemoryPorts.T0.AddHours(1), DurationMinutes = 30 }, InMemoryPorts.CityWide, ct);

        var problem = Assert.IsType<ValidationProblem>(result.Result);
        Assert.Contains("target", problem.ProblemDetails.Errors.Keys);
        Assert.Contains("durationMinutes", problem.ProblemDetails.Errors.Keys);
        var scopeless = Assert.IsType<ValidationProblem>((await _commands.CreateAsync(Request("street", "r-east"), InMemoryPorts.CityWide, ct)).Result);
        Assert.Contains("scope", scopeless.ProblemDetails.Errors.Keys);
        Assert.Empty(await _store.ListAsync(_time.GetUtcNow(), includeEnded: true, ct));
        Assert.Empty(_ports.Pushed);
    }

    [Fact]
    public async Task A_supervisor_scoped_to_a_region_silences_only_inside_it_and_never_a_whole_kind()
    {
        var ct = TestContext.Current.CancellationToken;
        var east = InMemoryPorts.ScopedTo("r-east");

        var outside = await _commands.CreateAsync(Request("asset", "gp-2"), east, ct);
        var kind = await _commands.CreateAsync(Request("kind", "gas_pipeline"), east, ct);
        var inside = await _commands.CreateAsync(Request("asset", "gp-1"), east, ct);

        Assert.Equal(StatusCodes.Status403Forbidden, Assert.IsType<ProblemHttpResult>(outside.Result).StatusCode);
        Assert.Equal(StatusCodes.Status403Forbidden, Assert.IsType<ProblemHttpResult>(kind.Result).StatusCode);
        Assert.IsType<Created<SilenceView>>(inside.Result);
        Assert.Single(await _store.ListAsync(_time.GetUtcNow(), includeEnded: true, ct));
    }

    private static SilenceRequest Request(string scope, string target) =>
        new(scope, target, StartsAt: null, EndsAt: null, DurationMinutes: 60, Author: "zhang.min", Reason: "valve replacement");
}
