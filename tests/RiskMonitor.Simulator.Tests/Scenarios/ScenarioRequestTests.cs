using RiskMonitor.Simulator.Scenarios;

namespace RiskMonitor.Simulator.Tests.Scenarios;

public sealed class ScenarioRequestTests
{
    [Theory]
    [InlineData("gas-leak:gp-0003", "gas-leak", "gp-0003", 0)]
    [InlineData("entrapment:el-0010@30s", "entrapment", "el-0010", 30)]
    [InlineData("over-pressure@2m", "over-pressure", null, 120)]
    [InlineData("malformed", "malformed", null, 0)]
    [InlineData("silent:hz-0001@1500ms", "silent", "hz-0001", 1.5)]
    public void Specs_parse_into_name_target_and_delay(string spec, string name, string? target, double delaySeconds)
    {
        Assert.True(ScenarioRequest.TryParse(spec, out var request, out var error), error);

        Assert.Equal(name, request.Name);
        Assert.Equal(target, request.Target);
        Assert.Equal(TimeSpan.FromSeconds(delaySeconds), request.Delay);
    }

    [Fact]
    public void A_storm_takes_a_count_instead_of_an_asset()
    {
        Assert.True(ScenarioRequest.TryParse("storm:50", out var request, out _));

        Assert.Equal(50, request.Count);
        Assert.Null(request.Target);
    }

    [Theory]
    [InlineData("flood:gp-0001")]
    [InlineData("gas-leak:gp-0001@soon")]
    [InlineData("storm:many")]
    public void Bad_specs_are_refused_with_a_reason(string spec)
    {
        Assert.False(ScenarioRequest.TryParse(spec, out _, out var error));

        Assert.Contains(spec, error);
    }
}
