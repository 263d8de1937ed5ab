using System.Text.RegularExpressions;
using RiskMonitor.Backtest;

namespace RiskMonitor.Server.Tests.Rules;

/// <summary>The backtest CLI (decision 0050) against the real server: the issue's third way to run a backtest.</summary>
public sealed partial class RuleManagementEndToEndTests
{
    [Fact]
    public async Task The_backtest_cli_runs_a_backtest_on_the_server_and_prints_its_counts()
    {
        var ct = TestContext.Current.CancellationToken;
        using var mqtt = await server.ConnectMqttAsync("rules-cli", ct);
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-3);
        double[] series = [1, 2, 60, 62, 1, 1]; // one red alarm under the shipped pipeline rules (red at 50 % LEL, at once)
        for (var i = 0; i < series.Length; i++)
        {
            await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-008/telemetry", ServerFixture.Reading(t0.AddSeconds(5 * i).ToUnixTimeMilliseconds(), ("ch4_lel", series[i])), ct);
        }

        await ServerFixture.EventuallyAsync(() => StoredPointsAsync("gp-t-008", ct), n => n >= series.Length, TimeSpan.FromSeconds(90), ct);
        var output = new StringWriter();
        var errors = new StringWriter();
        var token = TestIdentity.Token("zhang.min", ["supervisor"]);

        var exit = await BacktestCli.RunAsync(
            ["--server", server.BaseUrl.ToString(), "--assets", "gp-t-008", "--from", t0.AddSeconds(-1).ToString("O"), "--to", DateTimeOffset.UtcNow.AddSeconds(30).ToString("O"), "--poll-seconds", "0.5"],
            output, errors, name => name == "RM_TOKEN" ? token : null, null, ct);

        var report = output.ToString();
        Assert.True(exit == BacktestCli.Completed, $"exit {exit}: {errors}");
        Assert.Contains(": completed, by zhang.min", report, StringComparison.Ordinal);
        Assert.Contains("1 of 1 assets, 6 readings", report, StringComparison.Ordinal);
        // total, blue, yellow, orange, red, flapping: the candidate is the live rules, so no difference.
        Assert.Matches(new Regex(@"^candidate\s+1\s+0\s+0\s+0\s+1\s+0\s*$", RegexOptions.Multiline), report);
        Assert.Matches(new Regex(@"^live\s+1\s+0\s+0\s+0\s+1\s+0\s*$", RegexOptions.Multiline), report);
        Assert.Matches(new Regex(@"^difference\s+0\s+0\s+0\s+0\s+0\s+0\s*$", RegexOptions.Multiline), report);
        Assert.Matches(new Regex(@"^gp-t-008\s+1\s+1\s+1\s*$", RegexOptions.Multiline), report); // and the one real alert
    }

    [Fact]
    public async Task The_backtest_cli_refuses_a_request_the_server_refuses_and_says_why()
    {
        var ct = TestContext.Current.CancellationToken;
        var errors = new StringWriter();
        var token = TestIdentity.Token("zhang.min", ["supervisor"]);

        var exit = await BacktestCli.RunAsync(
            ["--server", server.BaseUrl.ToString(), "--assets", "no-such-asset"], new StringWriter(), errors, name => name == "RM_TOKEN" ? token : null, null, ct);

        Assert.Equal(BacktestCli.Refused, exit);
        Assert.Contains("Not in the registry: no-such-asset", errors.ToString(), StringComparison.Ordinal);
    }
}
