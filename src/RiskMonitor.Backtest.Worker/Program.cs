using System.Text;
using System.Text.Json;
using RiskMonitor.Storage.Influx;

namespace RiskMonitor.Backtest.Worker;

/// <summary>
/// The backtest worker (docs/decisions/0066): the server starts one per backtest and hands it the job as one JSON line
/// on standard input; it lowers itself below live work, reads InfluxDB, replays, and reports on standard output, one
/// JSON line per message (<see cref="WorkerMessage"/>). It keeps reading standard input: the end of it (the server
/// stopped, died, or gave the job up) ends the worker, so no replay outlives the server that asked for it.
/// </summary>
internal static class Program
{
    /// <summary>A query InfluxDB has not answered in this long fails the job rather than hold it for ever.</summary>
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromMinutes(2);

    public static async Task<int> Main()
    {
        using var input = new StreamReader(Console.OpenStandardInput(), Encoding.UTF8);
        await using var output = Console.OpenStandardOutput();
        var gate = new Lock();
        void Send(WorkerMessage message)
        {
            var line = JsonSerializer.SerializeToUtf8Bytes(message, WorkerProtocol.Json);
            lock (gate)
            {
                output.Write(line);
                output.WriteByte((byte)'\n');
                output.Flush();
            }
        }

        WorkerJob? job;
        try
        {
            job = await input.ReadLineAsync() is { } line ? JsonSerializer.Deserialize<WorkerJob>(line, WorkerProtocol.Json) : null;
        }
        catch (JsonException ex)
        {
            Send(new WorkerFailed($"The job did not parse: {ex.Message}"));
            return 2;
        }

        if (job is null)
        {
            Send(new WorkerFailed("No job on standard input."));
            return 2;
        }

        Send(new WorkerStarted(Scheduling.Apply(job.Priority)));
        using var cancel = new CancellationTokenSource();
        _ = Task.Run(async () =>
        {
            while (await input.ReadLineAsync() is not null)
            {
            }

            await cancel.CancelAsync();
        });
        try
        {
            using var http = new HttpClient { Timeout = QueryTimeout };
            var run = new ReplayRun(job, SampleHistoryChunks.Reader(job.Influx, http), Send, TimeProvider.System);
            await run.RunAsync(cancel.Token);
            Send(new WorkerFinished());
            return 0;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return 3; // nobody is listening any more
        }
        catch (Exception ex)
        {
            Send(new WorkerFailed(ex.Message));
            return 1;
        }
    }
}
