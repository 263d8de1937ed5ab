using RiskMonitor.Backtest;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // cancel the server's job before leaving, rather than leave it running
    cancel.Cancel();
};

return await BacktestCli.RunAsync(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable, null, cancel.Token);
