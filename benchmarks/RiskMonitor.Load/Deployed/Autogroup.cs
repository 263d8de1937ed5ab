using System.Globalization;

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

    private Autogroup(string state) => State = state;

    /// <summary>What the run had: "off (was on)", "off", "on (kept)", "on (not writable: ...)", "none (kernel without it)".</summary>
    public string State { get; }

    public static Autogroup Off(bool keep)
    {
        if (!File.Exists(Switch))
        {
            return new Autogroup("none (kernel without it)");
        }

        var on = File.ReadAllText(Switch).Trim() != "0";
        if (!on)
        {
            return new Autogroup("off");
        }

        if (keep)
        {
            return new Autogroup("on (kept)");
        }

        try
        {
            File.WriteAllText(Switch, "0");
            return new Autogroup("off (was on)") { _restore = true };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new Autogroup($"on (not writable: {ex.Message})");
        }
    }

    public void Dispose()
    {
        if (_restore)
        {
            _restore = false;
            File.WriteAllText(Switch, 1.ToString(CultureInfo.InvariantCulture));
        }
    }
}
