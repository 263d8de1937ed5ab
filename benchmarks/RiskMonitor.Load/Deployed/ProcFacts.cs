using System.Globalization;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Load.Deployed;

/// <summary>CPU clock ticks of one process from <c>/proc/PID/stat</c> (fields 14-17) and its parent.</summary>
public readonly record struct ProcCpu(int ParentPid, long UserTicks, long SystemTicks, long ChildrenUserTicks, long ChildrenSystemTicks)
{
    /// <summary>USER_HZ: 100 on every Linux the project runs on (the kernel ABI fixes it for /proc).</summary>
    public const double TicksPerSecond = 100;

    public long OwnTicks => UserTicks + SystemTicks;

    /// <summary>Own time plus that of the children it has reaped (a PostgreSQL backend that exited).</summary>
    public long WithReapedChildrenTicks => OwnTicks + ChildrenUserTicks + ChildrenSystemTicks;

    /// <summary>Parses a stat line.</summary>
    public static ProcCpu Parse(string stat)
    {
        var fields = ProcStat.Fields(stat);
        long Field(int n) => long.Parse(fields[n - 3], CultureInfo.InvariantCulture);
        return new ProcCpu((int)Field(4), Field(14), Field(15), Field(16), Field(17));
    }

    public static ProcCpu? Read(int pid)
    {
        try
        {
            return Parse(File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null; // gone between listing and reading
        }
    }

    /// <summary>Every process whose parent is <paramref name="parentPid"/> (PostgreSQL's backends and workers).</summary>
    public static IEnumerable<(int Pid, ProcCpu Cpu)> Children(int parentPid)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Read(pid) is { } cpu
                && cpu.ParentPid == parentPid)
            {
                yield return (pid, cpu);
            }
        }
    }
}

/// <summary>Memory lines of <c>/proc/PID/status</c>.</summary>
public static class ProcMemory
{
    /// <summary>The value of a <c>Name:   123 kB</c> line in bytes, or null.</summary>
    public static long? Parse(string status, string name)
    {
        ArgumentNullException.ThrowIfNull(status);
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith(name + ":", StringComparison.Ordinal))
            {
                var parts = line[(name.Length + 1)..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return null;
    }

    public static (long? HwmBytes, long? RssBytes) Read(int pid)
    {
        try
        {
            var status = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status");
            return (Parse(status, "VmHWM"), Parse(status, "VmRSS"));
        }
        catch (IOException)
        {
            return (null, null);
        }
    }
}

/// <summary>
/// CPU seconds spent by one service (a process, or PostgreSQL's postmaster and all its children) since
/// <see cref="Start"/>, sampled about once a second so that a restart mid-run (a new postmaster, a new influxd) is
/// followed instead of lost. A sample is root's own and reaped-children time plus its live children's own time; a
/// backend that exits between samples moves from the second term to the first, so nothing is counted twice.
/// </summary>
internal sealed class ServiceCpuMeter(string name, Func<int?> rootPid, bool includeChildren)
{
    private readonly Lock _gate = new();
    private int _root;
    private long _lastTicks;
    private long _accumulated;

    public string Name => name;

    public double Seconds
    {
        get
        {
            lock (_gate)
            {
                return _accumulated / ProcCpu.TicksPerSecond;
            }
        }
    }

    public void Start()
    {
        lock (_gate)
        {
            _accumulated = 0;
            (_root, _lastTicks) = Take() ?? (0, 0);
        }
    }

    public void Sample()
    {
        var sample = Take();
        lock (_gate)
        {
            if (sample is not { } s)
            {
                return; // stopped: what it spent up to the last sample is kept
            }

            // A root born after the start (a restart) counts from zero; a few ms before its first sample are its own start-up.
            _accumulated += s.Root == _root ? Math.Max(0, s.Ticks - _lastTicks) : s.Ticks;
            (_root, _lastTicks) = s;
        }
    }

    private (int Root, long Ticks)? Take()
    {
        if (rootPid() is not { } pid || ProcCpu.Read(pid) is not { } cpu)
        {
            return null;
        }

        var ticks = cpu.WithReapedChildrenTicks;
        if (includeChildren)
        {
            ticks += ProcCpu.Children(pid).Sum(c => c.Cpu.OwnTicks);
        }

        return (pid, ticks);
    }
}
