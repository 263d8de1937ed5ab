namespace RiskMonitor.Load.Deployed;

/// <summary>
/// A kernel scheduler setting set for a deployed run as run.sh sets it, and put back when the run ends: autogroup off
/// (decision 0066), the real-time class's round-robin slice at 4 ms (decision 0069). Left as it is where this user may
/// not write it: the run then measures the machine as it is.
/// </summary>
internal sealed class SchedulerSwitch : IDisposable
{
    /// <summary>With autogroup on, the CPU is shared between sessions first, and PostgreSQL's backends each sit in a session of their own.</summary>
    public const string Autogroup = "/proc/sys/kernel/sched_autogroup_enabled";

    /// <summary>How long a real-time round-robin thread may hold a CPU from another of the same priority (100 ms by default).</summary>
    public const string RoundRobinSliceMs = "/proc/sys/kernel/sched_rr_timeslice_ms";

    private readonly string _path;
    private string? _restore;

    private SchedulerSwitch(string path) => _path = path;

    public static SchedulerSwitch Set(string path, string value)
    {
        var setting = new SchedulerSwitch(path);
        if (!File.Exists(path) || File.ReadAllText(path).Trim() is var old && old == value)
        {
            return setting;
        }

        try
        {
            File.WriteAllText(path, value);
            setting._restore = old;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not root: the run measures the machine as it is.
        }

        return setting;
    }

    public void Dispose()
    {
        if (_restore is { } old)
        {
            _restore = null;
            File.WriteAllText(_path, old);
        }
    }
}
