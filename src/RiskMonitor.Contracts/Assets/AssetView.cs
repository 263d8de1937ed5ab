using System.Collections.Immutable;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain;

namespace RiskMonitor.Contracts.Assets;

/// <summary>
/// An asset's live state: the payload of <c>assetChanged</c> and of <c>GET /api/assets/{id}</c>.
/// <see cref="Colour"/> is max(inherent level, current warning level) (DESIGN.md §5).
/// </summary>
[GenerateSerializer, Immutable, Alias("rm.AssetView.v1")]
public sealed record AssetView(
    [property: Id(0)] string AssetId,
    [property: Id(1)] string Name,
    [property: Id(2)] string Kind,
    [property: Id(3)] string Industry,
    [property: Id(4)] string RegionId,
    [property: Id(5)] RiskColour InherentLevel,
    [property: Id(6)] WarningLevel Level,
    [property: Id(7)] RiskColour Colour,
    [property: Id(8)] bool Online,
    [property: Id(9)] DateTimeOffset? LastSeen,
    [property: Id(10)] DateTimeOffset? LastReadingAt,
    [property: Id(11)] ImmutableDictionary<string, LatestReading> Latest,
    [property: Id(12)] ImmutableArray<AlertView> Alerts);

[GenerateSerializer, Immutable, Alias("rm.LatestReading.v1")]
public sealed record LatestReading([property: Id(0)] double Value, [property: Id(1)] DateTimeOffset At);
