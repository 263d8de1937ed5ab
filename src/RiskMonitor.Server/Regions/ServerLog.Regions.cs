namespace RiskMonitor.Server;

// Risk-map events: 4100-4199.
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Loaded {RegionCount} regions ({GridCount} grids) from {Path}")]
    public static partial void RegionsLoaded(ILogger logger, int regionCount, int gridCount, string path);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "No region file at {Path}: the risk map rolls up per registry regionId only. Set Registry:RegionsPath")]
    public static partial void RegionsMissing(ILogger logger, string path);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information,
        Message = "Placed {AssetCount} assets in {ElapsedMs:0.0} ms: {MultiGridCount} span several grids, {UnassignedCount} outside every grid, {OutsideStatedCount} outside the region the registry names")]
    public static partial void AssetsPlaced(ILogger logger, int assetCount, int multiGridCount, int unassignedCount, int outsideStatedCount, double elapsedMs);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "Asset {AssetId} lies outside every grid (registry regionId {StatedRegionId}); kept in region 'unassigned'")]
    public static partial void AssetUnassigned(ILogger logger, string assetId, string? statedRegionId);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Information,
        Message = "{NearCount} assets lie within {RadiusM} m of one of {SiteCount} sensitive sites ({Path}); {RaisedCount} had their inherent colour raised one step")]
    public static partial void ConsequencesRaised(ILogger logger, int nearCount, int raisedCount, int siteCount, double radiusM, string path);
}
