using System.Globalization;
using System.Runtime.InteropServices;

namespace RiskMonitor.Backtest.Worker;

/// <summary>
/// Puts the whole worker process below live work in the Linux scheduler (docs/decisions/0066). Two steps, both needed:
/// <list type="number">
/// <item>A session of its own, whose autogroup it sets to nice 19. With autogroup on (the kernel default), the
/// scheduler first shares the CPU between sessions as equals, and only then between threads inside each; PostgreSQL's
/// backends each run in a session of their own. Left in the server's session, the worker's idle threads made that
/// session's claim as large as the server's busiest moment, and PostgreSQL waited behind it: two idle busy loops there
/// took the live p99 from 10-15 ms to 720 ms; in their own nice-19 sessions, 17 ms (decision 0066).</item>
/// <item><c>SCHED_IDLE</c> on every thread, those the runtime starts later too (<see cref="Follow"/>). In a process of its
/// own this is safe where it was not in the server (decision 0065): the collections that wait for an idle-class thread
/// are this process's own.</item>
/// </list>
/// </summary>
internal static class Scheduling
{
    private const int SchedIdle = 5; // SCHED_IDLE, linux/sched.h
    private const int PriorityOfProcess = 0; // PRIO_PROCESS: with a thread id as "who", Linux sets that thread alone
    private const int LowestNice = 19;
    private const int NoSuchThread = 3; // ESRCH: the thread ended between listing and moving it
    private static readonly TimeSpan SweepEvery = TimeSpan.FromMilliseconds(100);
    private static Func<int, string?>? _lower;
    private static Timer? _sweeper; // held so that it keeps running for the life of the process

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

        var session = OwnSession();
        string? refused = null;
        if (priority == WorkerPriority.Idle)
        {
            refused = ForEveryThread(Idle);
            if (refused is null)
            {
                Follow(Idle);
                return $"SCHED_IDLE, {session}";
            }
        }

        var notNice = ForEveryThread(Nice);
        if (notNice is null)
        {
            Follow(Nice);
        }

        return (refused, notNice) switch
        {
            (null, null) => $"nice 19, {session}",
            (_, null) => $"nice 19 (SCHED_IDLE refused: {refused}), {session}",
            _ => $"as started (SCHED_IDLE refused: {refused ?? "not asked"}; {notNice}), {session}",
        };
    }

    /// <summary>Lowers the calling thread as <see cref="Apply"/> lowered the others: a thread of the worker's own calls it first thing.</summary>
    public static void LowerThisThread()
    {
        if (_lower is { } lower)
        {
            lower(CurrentThreadId());
        }
    }

    /// <summary>
    /// The runtime starts its threads with an explicit policy (seen: a thread started after <see cref="Apply"/> was
    /// <c>SCHED_OTHER</c> again), so inheritance alone does not hold. Threads of the worker's own lower themselves
    /// (<see cref="LowerThisThread"/>); the runtime's (the pool's, the HTTP client's) are caught by a sweep every 100 ms.
    /// </summary>
    private static void Follow(Func<int, string?> lower)
    {
        _lower = lower;
        _sweeper = new Timer(_ => ForEveryThread(lower), null, SweepEvery, SweepEvery);
    }

    private static string? Idle(int tid)
    {
        var none = 0; // struct sched_param { int sched_priority; }: 0 for SCHED_IDLE
        return SetScheduler(tid, SchedIdle, ref none) == 0 ? null : Error("sched_setscheduler");
    }

    private static string? Nice(int tid) => SetPriority(PriorityOfProcess, tid, LowestNice) == 0 ? null : Error("setpriority");

    /// <summary>A new session, and so a new autogroup, at the lowest autogroup priority. Says where it got.</summary>
    private static string OwnSession()
    {
        if (NewSession() < 0)
        {
            return $"in the server's session (setsid errno {Marshal.GetLastPInvokeError()})";
        }

        const string Autogroup = "/proc/self/autogroup";
        if (!File.Exists(Autogroup))
        {
            return "own session (kernel without autogroup)";
        }

        try
        {
            File.WriteAllText(Autogroup, LowestNice.ToString(CultureInfo.InvariantCulture));
            return "own session, autogroup nice 19";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"own session, autogroup not lowered ({ex.Message})";
        }
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

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int CurrentThreadId();

    [DllImport("libc", EntryPoint = "setsid", SetLastError = true)]
    private static extern int NewSession();

    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static extern int SetPriority(int which, int who, int priority);
}
