using System.Globalization;

namespace RiskMonitor.TestSupport;

/// <summary>Reads <c>/proc/PID/stat</c> lines (man 5 proc): what a test checks about a process it started, from outside.</summary>
public static class ProcStat
{
    /// <summary>
    /// The fields of a stat line from the state (field 3) on, so field n (man 5 proc) is <c>[n - 3]</c>. The command
    /// name may hold spaces and parentheses, so they count from the last ')'.
    /// </summary>
    public static string[] Fields(string stat)
    {
        ArgumentNullException.ThrowIfNull(stat);
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }

    /// <summary>The distinct nice values of a process's threads (field 19).</summary>
    public static string[] ThreadNiceValues(int pid) => [.. ThreadStats(pid).Select(stat => Fields(stat)[19 - 3]).Distinct()];

    /// <summary>The distinct scheduling policies of a process's threads (field 41), by name: <c>SCHED_OTHER</c>, <c>SCHED_IDLE</c>, ...</summary>
    public static string[] ThreadPolicies(int pid) =>
        [.. ThreadStats(pid)
            .Select(stat => Fields(stat)[41 - 3])
            .Distinct()
            .Select(policy => policy switch { "0" => "SCHED_OTHER", "3" => "SCHED_BATCH", "5" => "SCHED_IDLE", _ => policy })];

    private static IEnumerable<string> ThreadStats(int pid) =>
        Directory.GetDirectories($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task")
            .Select(task => File.ReadAllText(Path.Combine(task, "stat")));
}
