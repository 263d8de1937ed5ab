using System.ComponentModel.DataAnnotations;

namespace RiskMonitor.Storage.History;

/// <summary>Section <c>History</c>: how asset level changes are recorded for the risk snapshot.</summary>
public sealed class LevelHistoryOptions
{
    public const string SectionName = "History";

    /// <summary>Changes waiting to be written. A full queue drops (and counts) new changes instead of slowing the grains.</summary>
    [Range(1, 10_000_000)] public int QueueCapacity { get; set; } = 100_000;

    /// <summary>Rows per INSERT.</summary>
    [Range(1, 100_000)] public int BatchSize { get; set; } = 1_000;

    /// <summary>Attempts per batch before it is given up (and counted as failed).</summary>
    [Range(1, 100)] public int WriteAttempts { get; set; } = 6;

    /// <summary>Without PostgreSQL: the changes kept in memory; the oldest go first, and snapshots before them say so.</summary>
    [Range(1, 100_000_000)] public int MemoryCapacity { get; set; } = 1_000_000;
}
