using System.Globalization;
using System.Runtime.InteropServices;

namespace RiskMonitor.Server.Platform.Scheduling;

/// <summary>
/// The Linux scheduling class of this server's threads, for a server started in the real-time class (run.sh with
/// <c>RM_LIVE_PRIORITY=realtime</c>, docs/decisions/0069 and 0070). There every thread the runtime starts is put at the
/// same round-robin priority, the live path's and the background work's alike, so work with no deadline (a backtest's
/// bookkeeping, the runtime's background JIT) held a core from live threads for whole round-robin slices. This moves
/// such threads back to the normal class, where they stand as they would in a server started normally: below every
/// live thread, above a backtest's idle-class work. Elsewhere (not Linux, not real-time) nothing is moved.
/// </summary>
internal static class SchedulingClass
{
    private const int SchedOther = 0; // linux/sched.h
    private const int SchedFifo = 1;
    private const int SchedRoundRobin = 2;
    private const int NoSuchThread = 3; // ESRCH: the thread ended between listing and moving it

    /// <summary>
    /// Whether the process was started in the real-time class: its main thread's policy (the one <c>chrt</c> set; the
    /// process id is the main thread's id), read once.
    /// </summary>
    public static bool ProcessIsRealTime { get; } = OperatingSystem.IsLinux() && IsRealTime(Environment.ProcessId);

    /// <summary>Moves the calling thread to the normal class if the process is real-time; returns the error, or null.</summary>
    public static string? MoveThisThreadToNormal() => ProcessIsRealTime ? MoveToNormal(0) : null;

    /// <summary>Moves thread <paramref name="tid"/> to the normal class (nice unchanged); returns the error, or null.</summary>
    public static string? MoveToNormal(int tid)
    {
        var none = 0; // struct sched_param { int sched_priority; }: 0 outside the real-time classes
        return SetScheduler(tid, SchedOther, ref none) == 0 || Marshal.GetLastPInvokeError() == NoSuchThread
            ? null
            : $"sched_setscheduler errno {Marshal.GetLastPInvokeError().ToString(CultureInfo.InvariantCulture)}";
    }

    public static bool IsRealTime(int tid) => GetScheduler(tid) is SchedFifo or SchedRoundRobin;

    [DllImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static extern int SetScheduler(int pid, int policy, ref int param);

    [DllImport("libc", EntryPoint = "sched_getscheduler", SetLastError = true)]
    private static extern int GetScheduler(int pid);
}
