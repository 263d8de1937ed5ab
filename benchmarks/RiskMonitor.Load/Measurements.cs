using System.Diagnostics;
using System.Globalization;

namespace RiskMonitor.Load;

/// <summary>Managed heap after a forced, compacting full collection, plus what the GC itself reports.</summary>
internal readonly record struct HeapSample(long TotalMemoryBytes, long HeapSizeBytes, long FragmentedBytes, long WorkingSetBytes)
{
    public static HeapSample Take()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        return new HeapSample(GC.GetTotalMemory(forceFullCollection: false), info.HeapSizeBytes, info.FragmentedBytes, Environment.WorkingSet);
    }
}

/// <summary>Busy share of the whole machine (all processes, influxd included) between two readings of /proc/stat.</summary>
internal readonly record struct MachineCpu(long Busy, long Total)
{
    public static MachineCpu Read()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var idle = fields[3] + fields[4]; // idle + iowait
            var total = fields.Take(8).Sum();
            return new MachineCpu(total - idle, total);
        }
        catch (IOException)
        {
            return default;
        }
    }

    public static double BusyPercent(MachineCpu from, MachineCpu to) =>
        to.Total == from.Total ? 0 : Math.Round(100.0 * (to.Busy - from.Busy) / (to.Total - from.Total), 1);
}

internal static class Stats
{
    public static object Latency(double[] values)
    {
        Array.Sort(values);
        double At(double p) => values.Length == 0 ? double.NaN : Math.Round(values[Math.Clamp((int)Math.Ceiling(p * values.Length) - 1, 0, values.Length - 1)], 2);
        return new
        {
            count = values.Length,
            p50Ms = At(0.50),
            p95Ms = At(0.95),
            p99Ms = At(0.99),
            maxMs = values.Length == 0 ? double.NaN : Math.Round(values[^1], 2),
        };
    }

    public static double Round(double value, int digits = 1) => Math.Round(value, digits);

    public static TimeSpan ProcessCpu() => Process.GetCurrentProcess().TotalProcessorTime;

    public static long PeakRssBytes()
    {
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }
}
