namespace RiskMonitor.Load.Deployed;

/// <summary>
/// The kernel's autogroup switch, turned off for a deployed run as run.sh turns it off (decision 0066) and back on when
/// the run ends. With it on, the CPU is shared between sessions first, and PostgreSQL's backends each sit in a session
/// of their own, so no scheduling class keeps InfluxDB's and a backtest's work below the alert path.
/// </summary>
internal sealed class Autogroup : IDisposable
{
    private const string Switch = "/proc/sys/kernel/sched_autogroup_enabled";

    private bool _restore;

    /// <summary>Turns autogroup off unless <paramref name="keep"/>, it is off already, or this user may not write the switch.</summary>
    public static Autogroup Off(bool keep)
    {
        var autogroup = new Autogroup();
        if (keep || !File.Exists(Switch) || File.ReadAllText(Switch).Trim() == "0")
        {
            return autogroup;
        }

        try
        {
            File.WriteAllText(Switch, "0");
            autogroup._restore = true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not root: the run measures the machine as it is, autogroup on.
        }

        return autogroup;
    }

    public void Dispose()
    {
        if (_restore)
        {
            _restore = false;
            File.WriteAllText(Switch, "1");
        }
    }
}
