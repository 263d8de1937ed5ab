namespace RiskMonitor.Simulator.Assets;

/// <summary>The assets this run publishes for (after <c>--assets-limit</c>), and what the file had that was left out.</summary>
internal sealed record SimulatedAssets(IReadOnlyList<SimAsset> All, IReadOnlyList<string> Skipped);
