using RiskMonitor.Backtest;

namespace RiskMonitor.Server.Tests.Rules;

/// <summary>The backtest CLI's own checks, before it sends anything: nothing listens at the server address given.</summary>
public sealed class BacktestCliArgumentTests
{
    [Theory]
    [InlineData(new[] { "--kind", "gas_pipeline", "--assets", "gp-1" }, "give either --assets or --kind")]
    [InlineData(new string[0], "give either --assets or --kind")]
    [InlineData(new[] { "--kind", "gas_pipeline", "--from", "yesterday" }, "--from and --to must be ISO 8601 times")]
    [InlineData(new[] { "--kind", "gas_pipeline", "--hours", "-2" }, "--hours must be a positive number")]
    [InlineData(new[] { "--kind", "gas_pipeline", "--server", "ftp://x" }, "--server must be an http(s) URL")]
    [InlineData(new[] { "--kind", "gas_pipeline", "--document", "/no/such/rules.json" }, "no rule document at '/no/such/rules.json'")]
    [InlineData(new[] { "--kind", "gas_pipeline", "--colour", "red" }, "unknown option --colour")]
    public async Task Bad_arguments_are_refused_with_the_reason_and_the_usage(string[] args, string expected)
    {
        var errors = new StringWriter();

        var exit = await BacktestCli.RunAsync(args, new StringWriter(), errors, _ => null, null, TestContext.Current.CancellationToken);

        Assert.Equal(BacktestCli.Refused, exit);
        Assert.Contains(expected, errors.ToString(), StringComparison.Ordinal);
        Assert.Contains("rm-backtest (--assets", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_is_reported_as_unreachable()
    {
        var errors = new StringWriter();

        var exit = await BacktestCli.RunAsync(
            ["--kind", "gas_pipeline", "--server", "http://127.0.0.1:9/", "--token", "t"], new StringWriter(), errors, _ => null, null, TestContext.Current.CancellationToken);

        Assert.Equal(BacktestCli.Unreachable, exit);
        Assert.Contains("cannot reach http://127.0.0.1:9/", errors.ToString(), StringComparison.Ordinal);
    }
}
