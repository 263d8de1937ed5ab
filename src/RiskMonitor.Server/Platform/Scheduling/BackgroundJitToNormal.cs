using System.Globalization;

namespace RiskMonitor.Server.Platform.Scheduling;

/// <summary>
/// In a real-time server, moves the runtime's background JIT thread (tiered compilation, named
/// <c>.NET Tiered Compilation Worker</c>) to the normal class (<see cref="SchedulingClass"/>). It recompiles hot methods
/// with full optimisation in bursts, at the start and whenever new code gets hot (the first backtest: 0.2 CPU-s within
/// a few seconds, seen with <c>perf sched</c>), and, started by a real-time thread, it held a core at the live path's
/// own priority. The runtime ends it after a few idle seconds and starts a new one at the next burst, so this looks
/// every second; a new one runs real-time until then. Other runtime threads stay: a collection's threads are waited for
/// by every thread it stops.
/// </summary>
internal sealed partial class BackgroundJitToNormal(TimeProvider time, ILogger<BackgroundJitToNormal> logger) : BackgroundService
{
    private const string ThreadName = ".NET Tiered Com"; // the kernel keeps a thread's name to 15 characters
    private static readonly TimeSpan LookEvery = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!SchedulingClass.ProcessIsRealTime)
        {
            return;
        }

        using var timer = new PeriodicTimer(LookEvery, time);
        var refused = false;
        do
        {
            foreach (var tid in RealTimeThreadsNamed(ThreadName))
            {
                if (SchedulingClass.MoveToNormal(tid) is { } error && !refused)
                {
                    refused = true; // said once: the next look would only say it again
                    MoveRefused(logger, tid, error);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private static IEnumerable<int> RealTimeThreadsNamed(string name)
    {
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            if (!int.TryParse(Path.GetFileName(task), NumberStyles.None, CultureInfo.InvariantCulture, out var tid))
            {
                continue;
            }

            string comm;
            try
            {
                comm = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
            }
            catch (IOException)
            {
                continue; // ended while listed
            }

            if (string.Equals(comm, name, StringComparison.Ordinal) && SchedulingClass.IsRealTime(tid))
            {
                yield return tid;
            }
        }
    }

    [LoggerMessage(EventId = 4975, Level = LogLevel.Warning,
        Message = "The runtime's background JIT thread {ThreadId} stays in the real-time class: {Error}")]
    private static partial void MoveRefused(ILogger logger, int threadId, string error);
}
