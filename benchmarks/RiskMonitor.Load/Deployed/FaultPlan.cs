namespace RiskMonitor.Load.Deployed;

/// <summary>
/// Faults injected mid-run, in seconds after publishing starts (-1 = none): PostgreSQL stopped with
/// <c>pg_ctl stop -m immediate</c> then started, or frozen (SIGSTOP on the postmaster and its children, then SIGCONT);
/// InfluxDB killed then started, or frozen the same way.
/// </summary>
public sealed record FaultPlan
{
    public int StopPostgresAt { get; init; } = -1;

    public int StopPostgresFor { get; init; } = 30;

    public int FreezePostgresAt { get; init; } = -1;

    public int FreezePostgresFor { get; init; } = 30;

    public int StopInfluxAt { get; init; } = -1;

    public int StopInfluxFor { get; init; } = 30;

    public int FreezeInfluxAt { get; init; } = -1;

    public int FreezeInfluxFor { get; init; } = 30;

    /// <summary>Cluster mode: SIGKILL to silo-0 at this second, left dead (-1 = none).</summary>
    public int KillSiloAt { get; init; } = -1;

    /// <summary>Cluster mode: from this second, each silo in turn gets SIGTERM, is started again and rejoins (-1 = none).</summary>
    public int RollingRestartAt { get; init; } = -1;

    /// <summary>The service faults asked for, as (name, start, length); the silo faults are apart (their length is what they take).</summary>
    public IReadOnlyList<(string Name, TimeSpan At, TimeSpan For)> Windows
    {
        get
        {
            List<(string, TimeSpan, TimeSpan)> windows = [];
            void Add(string name, int at, int length)
            {
                if (at >= 0)
                {
                    windows.Add((name, TimeSpan.FromSeconds(at), TimeSpan.FromSeconds(Math.Max(0, length))));
                }
            }

            Add("stop-postgres", StopPostgresAt, StopPostgresFor);
            Add("freeze-postgres", FreezePostgresAt, FreezePostgresFor);
            Add("stop-influx", StopInfluxAt, StopInfluxFor);
            Add("freeze-influx", FreezeInfluxAt, FreezeInfluxFor);
            return windows;
        }
    }

    /// <summary>When the last fault is over (zero without faults): the drain starts no earlier.</summary>
    public TimeSpan End => Windows.Count == 0 ? TimeSpan.Zero : Windows.Max(w => w.At + w.For);
}
