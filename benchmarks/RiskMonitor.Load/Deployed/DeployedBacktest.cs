using System.Diagnostics;
using RiskMonitor.Load.Backtest;

namespace RiskMonitor.Load.Deployed;

/// <summary>
/// <c>--backtest-at S</c> in the deployed mode (issue 22: live ingestion keeps its p99 while a backtest runs; decision
/// 0057): <c>--hours</c> of every asset's history written before publishing starts, ending a minute before it, then at S
/// seconds a backtest of every asset over that history through the server's API, while the publisher goes on. The
/// report splits the publish -> hub latency of the changes published while the job ran from those published outside it.
/// </summary>
internal static class DeployedBacktest
{
    public static async Task<HistoryPlan?> LoadHistoryAsync(DeployedStack stack, LoadOptions options, CancellationToken ct)
    {
        if (options.BacktestAtSeconds < 0 && !options.LoadHistory)
        {
            return null;
        }

        var end = DateTimeOffset.UtcNow.AddMinutes(-1);
        var plan = new HistoryPlan(options.Assets, TimeSpan.FromHours(options.Hours), TimeSpan.FromSeconds(options.IntervalSeconds),
            DateTimeOffset.FromUnixTimeMilliseconds(end.ToUnixTimeMilliseconds()));
        Console.Error.WriteLine(options.BacktestAtSeconds < 0
            ? $"deployed: writing {plan.Readings:N0} readings of history, no backtest (--load-history)"
            : $"deployed: writing {plan.Readings:N0} readings of history for the backtest at {options.BacktestAtSeconds} s");
        var load = await HistoryLoader.WriteAsync(stack.InfluxUrl, DeployedStack.Database, plan, null, ct);
        Console.Error.WriteLine($"deployed: history written in {load.Seconds:0.0} s ({load.ReadingsPerSecond:N0}/s)");
        stack.CountReadingsFrom = plan.End;
        return plan;
    }

    public static async Task<BacktestOutcome?> RunAtAsync(DeployedStack stack, LoadOptions options, HistoryPlan history, Stopwatch clock, CancellationToken ct)
    {
        var wait = TimeSpan.FromSeconds(options.BacktestAtSeconds) - clock.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, ct);
        }

        using var client = new BacktestClient(stack.BaseUrl, stack.AdminKey);
        var outcome = await client.RunAsync(history.Start, history.End, ct);
        Console.Error.WriteLine($"deployed: backtest {outcome.Status} in {outcome.Seconds} s, {outcome.SamplesReplayed:N0} readings, timings {outcome.Timings}");
        return outcome;
    }

    public static object? Report(HistoryPlan? history, BacktestOutcome? outcome, IReadOnlyCollection<PublishedChange> published, List<ObservedChange> hub, long warmupEnd)
    {
        if (history is null || outcome is null)
        {
            return null;
        }

        var (during, outside) = ChangeVerdict.SplitLatency(published, hub, warmupEnd, outcome.StartedUtc.Ticks, outcome.FinishedUtc.Ticks);
        return new
        {
            history = new { history.Assets, hours = history.Span.TotalHours, intervalSeconds = history.Interval.TotalSeconds, readings = history.Readings },
            outcome.Status,
            outcome.Error,
            submitToResultSeconds = outcome.Seconds,
            outcome.SamplesReplayed,
            readingsPerSecond = outcome.ReadingsPerSecond,
            timings = outcome.Timings,
            hubLatencyWhileBacktesting = during,
            hubLatencyOtherwise = outside,
        };
    }
}
