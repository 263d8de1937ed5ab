using RiskMonitor.Domain;

namespace RiskMonitor.Storage.History;

/// <summary>An asset's warning level changed at <paramref name="At"/>; <paramref name="Colour"/> is its map colour from then on.</summary>
public sealed record AssetLevelChange(string AssetId, WarningLevel Level, RiskColour Colour, DateTimeOffset At);

/// <summary>The warning level of every asset that had changed by a moment; assets not named were at none (inherent colour).</summary>
/// <param name="Complete">False when changes that may matter at that moment were lost (dropped, failed, or evicted).</param>
public sealed record LevelsAt(IReadOnlyDictionary<string, WarningLevel> Levels, bool Complete);

/// <summary>How the recording is doing: what was handed in, written, dropped because the queue was full, or lost to errors.</summary>
public sealed record LevelHistoryStats(string Store, long Recorded, long Written, long Dropped, long Failed, long Pending, DateTimeOffset? RetainedSince);

/// <summary>
/// The append-only record of asset level changes behind the risk snapshot at a past time (issue 6, item 6). Recording
/// is off the hot path: <see cref="Record"/> never waits and never throws; when the bounded queue is full the change
/// is dropped and counted, because the map and the alerts matter more than the history of the map.
/// </summary>
public interface IAssetLevelHistory
{
    /// <summary>Queues one change. Returns false (and counts it) when it had to be dropped.</summary>
    bool Record(AssetLevelChange change);

    /// <summary>
    /// The level in force at <paramref name="at"/> of every asset that had changed by then. Waits (briefly) for changes
    /// already queued to be stored, so that a change recorded before the call is seen by it.
    /// </summary>
    Task<LevelsAt> LevelsAtAsync(DateTimeOffset at, CancellationToken cancellationToken);

    LevelHistoryStats GetStats();
}
