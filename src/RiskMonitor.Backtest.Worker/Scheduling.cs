using System.Globalization;
using System.Runtime.InteropServices;

namespace RiskMonitor.Backtest.Worker;

/// <summary>
/// Puts the whole worker process below live work in the Linux scheduler (docs/decisions/0066). Every thread the runtime
/// has started so far is moved; a thread started later inherits the policy of the thread that starts it, so the pool's
/// threads, the HTTP client's and the replay's all follow. In a process of its own this is safe where it was not in the
/// server (decision 0065): the collections that wait for an idle-class thread are this process's own, not the server's.
/// </summary>
internal static class Scheduling
{
    private const int SchedIdle = 5; // SCHED_IDLE, linux/sched.h
    private const int PriorityOfProcess = 0; // PRIO_PROCESS: with a thread id as "who", Linux sets that thread alone
    private const int LowestNice = 19;
    private const int NoSuchThread = 3; // ESRCH: the thread ended between listing and moving it

    /// <summary>Applies <paramref name="priority"/>; returns where the process got, for the server's log.</summary>
    public static string Apply(WorkerPriority priority)
    {
        if (priority == WorkerPriority.Normal)
        {
            return "normal (as asked)";
        }

        if (!OperatingSystem.IsLinux())
        {
            return "as started (lowering is Linux only)";
        }

        string? refused = null;
        if (priority == WorkerPriority.Idle)
        {
            refused = ForEveryThread(tid =>
            {
                var none = 0; // struct sched_param { int sched_priority; }: 0 for SCHED_IDLE
                return SetScheduler(tid, SchedIdle, ref none) == 0 ? null : Error("sched_setscheduler");
            });
            if (refused is null)
            {
                return "SCHED_IDLE";
            }
        }

        var notNice = ForEveryThread(tid => SetPriority(PriorityOfProcess, tid, LowestNice) == 0 ? null : Error("setpriority"));
        return (refused, notNice) switch
        {
            (null, null) => "nice 19",
            (_, null) => $"nice 19 (SCHED_IDLE refused: {refused})",
            _ => $"as started (SCHED_IDLE refused: {refused ?? "not asked"}; {notNice})",
        };
    }

    /// <summary>
    /// Runs <paramref name="apply"/> on every thread of this process, twice over: a thread started during the first pass
    /// by a thread not yet moved is caught by the second. Returns the first error, or null.
    /// </summary>
    private static string? ForEveryThread(Func<int, string?> apply)
    {
        string? error = null;
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                if (int.TryParse(Path.GetFileName(task), NumberStyles.None, CultureInfo.InvariantCulture, out var tid))
                {
                    error ??= apply(tid);
                }
            }
        }

        return error;
    }

    private static string? Error(string call) =>
        Marshal.GetLastPInvokeError() is var errno && errno == NoSuchThread ? null : $"{call} errno {errno}";

    [DllImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static extern int SetScheduler(int pid, int policy, ref int param);

    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static extern int SetPriority(int which, int who, int priority);
}
