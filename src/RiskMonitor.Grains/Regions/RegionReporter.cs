using Microsoft.Extensions.Logging;
using RiskMonitor.Contracts;
using RiskMonitor.Contracts.Regions;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Assets;

namespace RiskMonitor.Grains.Regions;

/// <summary>How an asset grain tells the grids it lies in about its warning level (a pipeline: every grid it crosses).</summary>
internal static class RegionReporter
{
    public static async Task ReportAsync(IGrainFactory grains, AssetDefinition asset, WarningLevel level, ILogger logger)
    {
        var grids = asset.ReportingGrids;
        var calls = new Task[grids.Count];
        for (var k = 0; k < grids.Count; k++)
        {
            calls[k] = ReportOneAsync(grains, asset, grids[k], new RegionAssetReport(asset.Id, asset.Industry, asset.InherentLevel, level, Counted: k == 0), logger);
        }

        await Task.WhenAll(calls);
    }

    private static async Task ReportOneAsync(IGrainFactory grains, AssetDefinition asset, string gridId, RegionAssetReport report, ILogger logger)
    {
        try
        {
            await grains.Cached<IRegionGrain>(gridId).ReportAsset(report);
        }
        catch (Exception ex)
        {
            // The map is a view of the asset, not its source of truth: a failed report must not fail the reading
            // (ingestion would retry and evaluate it twice). The next level change mends the grid.
            RegionLog.AssetReportFailed(logger, ex, asset.Id, gridId);
        }
    }
}
