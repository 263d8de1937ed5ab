using System.Diagnostics;
using System.Globalization;
using RiskMonitor.Server.Platform.Scheduling;

namespace RiskMonitor.Load.Deployed;

/// <summary>
/// With <c>RM_LIVE_PRIORITY=realtime</c> run.sh runs PostgreSQL and the server in the real-time class (<c>SCHED_RR</c> 50,
/// docs/decisions/0069), above InfluxDB and a backtest's worker, which sit under <c>SCHED_IDLE</c>. With
/// <c>--live-priority realtime</c> the deployed mode measures the same, so it runs itself again under
/// <c>chrt --rr 50</c>: PostgreSQL, the server and the publisher it starts inherit the class, and so
/// does its own hub recorder. The publisher and the recorder stand for devices and a wall display, other machines in a
/// deployment; in the real-time class they are not themselves delayed by a backtest on this shared box, so what they
/// measure is the live path's own delay. PostgreSQL's background processes go back to the normal class as run.sh puts
/// them (<see cref="PostgresBackgroundToNormal"/>, decision 0070).
/// </summary>
internal static class LivePriority
{
    /// <summary>The round-robin slice set while the live path runs in the real-time class, as run.sh sets it.</summary>
    public const string RoundRobinSliceMs = "4";

    /// <summary>
    /// The runtime places a managed thread of normal priority in the middle of the class's range (1-99: 50), whatever the
    /// process started with; starting at 50 keeps every thread of the live path at one priority (the finalizer at 56).
    /// </summary>
    private const string RealTimePriority = "50";

    private const string Chrt = "/usr/bin/chrt";
    private const string Marker = "RM_LOAD_LIVE_PRIORITY";
    private const string PostgresTitle = "postgres: ";

    /// <summary>The titles of PostgreSQL's processes that serve no client, after <see cref="PostgresTitle"/>.</summary>
    private static readonly string[] PostgresBackground =
        ["checkpointer", "background writer", "walwriter", "autovacuum", "logical replication launcher", "archiver"];

    /// <summary>Where the run's live path sat, for the report.</summary>
    public static string Description => Environment.GetEnvironmentVariable(Marker) ?? "normal";

    /// <summary>Whether the calling thread, and so this process, runs in the real-time class (its children inherit it).</summary>
    public static bool IsRealTime => OperatingSystem.IsLinux() && SchedulingClass.IsRealTime(0);

    /// <summary>
    /// Runs this program again under <c>chrt --rr 50</c> and returns its exit code; null when the run goes on in this
    /// process: normal priority (the default), the class already held, or refused to this user (then said in the report).
    /// </summary>
    public static async Task<int?> RerunAsync(LoadOptions options, string[] args)
    {
        if (IsRealTime)
        {
            return null;
        }

        if (!options.LiveRealTime)
        {
            Environment.SetEnvironmentVariable(Marker, "normal");
            return null;
        }

        if (!OperatingSystem.IsLinux() || !File.Exists(Chrt) || !await PermittedAsync())
        {
            Environment.SetEnvironmentVariable(Marker, "normal (the real-time class is refused to this user)");
            return null;
        }

        var (self, dll) = SelfCommand();
        var start = new ProcessStartInfo(Chrt) { UseShellExecute = false };
        string[] command = dll is null ? ["--rr", RealTimePriority, self, .. args] : ["--rr", RealTimePriority, self, dll, .. args];
        foreach (var argument in command)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment[Marker] = string.Create(CultureInfo.InvariantCulture, $"SCHED_RR {RealTimePriority}, round-robin slice {RoundRobinSliceMs} ms");
        using var run = Process.Start(start) ?? throw new InvalidOperationException("chrt did not start");
        // Ctrl-C reaches the run as well (one process group) and it stops itself within its own budget.
        await run.WaitForExitAsync(CancellationToken.None);
        return run.ExitCode;
    }

    /// <summary>This program as it was started: its apphost, or <c>dotnet</c> and this assembly.</summary>
    public static (string File, string? Dll) SelfCommand()
    {
        var self = Environment.ProcessPath ?? "dotnet";
        return Path.GetFileNameWithoutExtension(self) == "dotnet" ? (self, typeof(LivePriority).Assembly.Location) : (self, null);
    }

    private static async Task<bool> PermittedAsync()
    {
        using var probe = Process.Start(new ProcessStartInfo(Chrt, ["--rr", RealTimePriority, "true"]) { UseShellExecute = false, RedirectStandardError = true });
        if (probe is null)
        {
            return false;
        }

        await probe.WaitForExitAsync(CancellationToken.None);
        return probe.ExitCode == 0;
    }

    /// <summary>
    /// PostgreSQL's processes with no client waiting on them (checkpoints, background writes, vacuum), which inherit the
    /// class from the postmaster, moved to the normal class, as run.sh does (docs/decisions/0070); the backends stay.
    /// Called about once a second while a real-time run measures: an autovacuum worker started since is caught then.
    /// </summary>
    public static void PostgresBackgroundToNormal(int postmasterPid)
    {
        if (!IsRealTime || postmasterPid <= 0)
        {
            return;
        }

        foreach (var (pid, _) in ProcCpu.Children(postmasterPid))
        {
            string title;
            try
            {
                title = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline");
            }
            catch (IOException)
            {
                continue; // ended while listed
            }

            if (IsPostgresBackground(title) && SchedulingClass.IsRealTime(pid))
            {
                _ = SchedulingClass.MoveToNormal(pid); // refused: it stays as it was, as in run.sh
            }
        }
    }

    /// <summary>Whether a PostgreSQL process title (its command line) is one of its background processes, not a backend.</summary>
    internal static bool IsPostgresBackground(string title) =>
        title.StartsWith(PostgresTitle, StringComparison.Ordinal) &&
        PostgresBackground.Any(name => title.AsSpan(PostgresTitle.Length).StartsWith(name, StringComparison.Ordinal));
}
