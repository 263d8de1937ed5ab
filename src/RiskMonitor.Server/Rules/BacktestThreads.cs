using System.Runtime.InteropServices;

namespace RiskMonitor.Server.Rules;

/// <summary>
/// The backtest's replay threads (docs/decisions/0057, 0065): threads of their own, not the thread pool that ASP.NET Core,
/// the MQTT broker and the Orleans scheduler share, so a long replay never holds a pool thread live work is waiting
/// for; and on Linux lowered in the OS scheduler (a nice value per thread, which .NET's own thread priority does not
/// set there), so that when both cores are busy the live threads get them first and the backtest takes what is left.
/// </summary>
internal static class BacktestThreads
{
    private const int PriorityOfProcess = 0; // PRIO_PROCESS: with a thread id as "who", Linux sets that thread alone

    public static Task Start(string name, int nice, ILogger logger, Action work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            Lower(nice, name, logger);
            try
            {
                work();
                done.SetResult();
            }
            catch (OperationCanceledException cancelled)
            {
                done.SetCanceled(cancelled.CancellationToken);
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        })
        {
            IsBackground = true, // a job still replaying never holds the server up at shutdown
            Name = name,
        };
        thread.Start();
        return done.Task;
    }

    private static void Lower(int nice, string name, ILogger logger)
    {
        if (nice <= 0 || !OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            if (SetPriority(PriorityOfProcess, GetThreadId(), nice) != 0)
            {
                BacktestLog.NotLowered(logger, name, nice, $"setpriority: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // A libc without gettid (older than glibc 2.30, or musl): the replay runs at the live threads' priority.
            BacktestLog.NotLowered(logger, name, nice, ex.Message);
        }
    }

    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static extern int SetPriority(int which, int who, int priority);

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetThreadId();
}
