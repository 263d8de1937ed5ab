using NetTopologySuite.Geometries;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Regions;

namespace RiskMonitor.Domain.Sites;

/// <summary>An asset as the board shows it: both colours now and its distance from the site.</summary>
public sealed record BoardAsset(
    string AssetId, string Name, string Kind, string Industry, RiskColour InherentColour, WarningLevel Level, RiskColour Colour,
    double DistanceM, Geometry Geometry);

/// <summary>一图: the site and the assets around it, with their colours.</summary>
public sealed record SiteMapExtract(double CentreLon, double CentreLat, double RadiusM, BoardAsset Site, IReadOnlyList<BoardAsset> Nearby);

/// <summary>A risk point (风险点) of the site: one tank, one station.</summary>
public sealed record RiskPoint(string AssetId, string Name, string? Substance, string? HazardGrade, RiskColour InherentColour, WarningLevel Level, RiskColour Colour);

/// <summary>一牌: the risk notice board (安全风险告知牌) at the site's gate.</summary>
public sealed record RiskNoticeBoard(
    string Unit, RiskColour InherentColour, RiskColour Colour, IReadOnlyList<RiskPoint> RiskPoints, IReadOnlyList<string> MainHazards,
    IReadOnlyList<string> ControlMeasures, ResponsiblePerson? Responsible, IReadOnlyList<EmergencyContact> EmergencyContacts);

/// <summary>A line of the responsibility list (责任清单).</summary>
public sealed record ResponsibilityEntry(string Role, string Name, string? Phone, string Duty);

/// <summary>A line of the control-measures list (管控措施清单).</summary>
public sealed record ControlMeasureEntry(string Measure, IReadOnlyList<string> RiskPoints, string Responsible);

/// <summary>A line of the emergency-response list (应急处置清单).</summary>
public sealed record EmergencyResponseEntry(string Scenario, string Actions, string Contact);

/// <summary>一图一牌三清单 of one site, from registry data and the live levels.</summary>
public sealed record SiteBoard(
    string AssetId, string Name, string Kind, string? OwnerUnit, string? HazardGrade, string RegionId, SiteMapExtract Map,
    RiskNoticeBoard NoticeBoard, IReadOnlyList<ResponsibilityEntry> ResponsibilityList, IReadOnlyList<ControlMeasureEntry> ControlMeasureList,
    IReadOnlyList<EmergencyResponseEntry> EmergencyResponseList)
{
    /// <summary>The most nearby assets a board lists; the nearest first.</summary>
    public const int MaxNearby = 60;

    /// <summary>
    /// Builds the board. Risk points are the site's own hazard sources: every <c>hazard_source</c> of the same owner unit
    /// (a tank farm), or the site alone. Responsibility runs from the unit's safety manager up through the supervisors of
    /// the grid hierarchy the site lies in (属地管理); measures and responses come from the registry's site properties.
    /// </summary>
    public static SiteBoard Build(
        AssetDefinition site, IEnumerable<AssetDefinition> registry, IReadOnlyDictionary<string, SiteProfile> profiles,
        Func<string, WarningLevel> levelOf, RegionIndex regions, double radiusMetres)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(levelOf);
        ArgumentNullException.ThrowIfNull(regions);
        var all = registry.ToList();
        var centre = site.Geometry.Centroid;

        var points = site.Kind == "hazard_source" && site.OwnerUnit is { } owner
            ? all.Where(a => a.Kind == "hazard_source" && a.OwnerUnit == owner).OrderBy(a => a.Id, StringComparer.Ordinal).ToList()
            : [site];
        var riskPoints = points.Select(a =>
        {
            var level = levelOf(a.Id);
            return new RiskPoint(a.Id, a.Name, profiles.GetValueOrDefault(a.Id)?.Substance, a.HazardGrade, a.InherentLevel, level, RiskLevels.ColourOf(a.InherentLevel, level));
        }).ToList();

        // Facts of the site's points, merged in order and without repeats (a farm of chlorine and ammonia tanks).
        var pointProfiles = points.Select(a => profiles.GetValueOrDefault(a.Id)).OfType<SiteProfile>().ToList();
        var hazards = pointProfiles.SelectMany(p => p.MainHazards).Distinct().ToList();
        var contacts = (profiles.GetValueOrDefault(site.Id) ?? pointProfiles.FirstOrDefault())?.EmergencyContacts ?? [];
        var byMeasure = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var measureOrder = new List<string>();
        foreach (var (point, profile) in points.Select(p => (p, profiles.GetValueOrDefault(p.Id))))
        {
            foreach (var measure in profile?.ControlMeasures ?? [])
            {
                if (!byMeasure.TryGetValue(measure, out var names))
                {
                    byMeasure[measure] = names = [];
                    measureOrder.Add(measure);
                }

                names.Add(point.Name);
            }
        }

        var manager = site.Responsible?.Name ?? site.OwnerUnit ?? "—";
        var dutyRoom = contacts.FirstOrDefault(c => c.Role.Contains("值班", StringComparison.Ordinal));
        var responses = pointProfiles.SelectMany(p => p.EmergencyResponses).DistinctBy(r => r.Scenario)
            .Select(r => new EmergencyResponseEntry(r.Scenario, r.Actions, dutyRoom is null ? manager : $"{dutyRoom.Name} {dutyRoom.Phone}"))
            .ToList();

        var responsibility = new List<ResponsibilityEntry>();
        if (site.Responsible is { } responsible)
        {
            responsibility.Add(new ResponsibilityEntry("企业安全负责人", responsible.Name, responsible.Phone, "组织风险辨识与管控措施落实，隐患排查治理，应急处置第一责任"));
        }

        if (dutyRoom is not null)
        {
            responsibility.Add(new ResponsibilityEntry("企业值班室", dutyRoom.Name, dutyRoom.Phone, "24 小时值守，接收预警并第一时间报告"));
        }

        var grid = site.ReportingGrids[0];
        foreach (var region in new[] { grid }.Concat(regions.AncestorsOf(grid).Select(r => r.Id)))
        {
            if (regions.TryGet(region, out var definition) && definition.Supervisor is { } supervisor && definition.Level != RegionLevel.City)
            {
                responsibility.Add(new ResponsibilityEntry(
                    $"属地监管（{LevelName(definition.Level)}）", supervisor.Name, supervisor.Phone, $"{definition.Name}：巡查、预警响应与督促整改"));
            }
        }

        var siteAsset = Board(site, 0);
        var nearby = all.Where(a => a.Id != site.Id)
            .Select(a => (Asset: a, Distance: GeoDistance.Metres(a.Geometry, site.Geometry)))
            .Where(x => x.Distance <= radiusMetres)
            .OrderBy(x => x.Distance).ThenBy(x => x.Asset.Id, StringComparer.Ordinal)
            .Take(MaxNearby)
            .Select(x => Board(x.Asset, x.Distance))
            .ToList();

        var notice = new RiskNoticeBoard(
            site.OwnerUnit ?? site.Name,
            riskPoints.Max(p => p.InherentColour),
            riskPoints.Max(p => p.Colour),
            riskPoints,
            hazards,
            measureOrder,
            site.Responsible,
            contacts);
        return new SiteBoard(
            site.Id, site.Name, site.Kind, site.OwnerUnit, site.HazardGrade, site.RegionId,
            new SiteMapExtract(centre.X, centre.Y, radiusMetres, siteAsset, nearby),
            notice,
            responsibility,
            [.. measureOrder.Select(m => new ControlMeasureEntry(m, byMeasure[m], manager))],
            responses);

        BoardAsset Board(AssetDefinition a, double distance)
        {
            var level = levelOf(a.Id);
            return new BoardAsset(a.Id, a.Name, a.Kind, a.Industry, a.InherentLevel, level, RiskLevels.ColourOf(a.InherentLevel, level), Math.Round(distance, 1), a.Geometry);
        }
    }

    private static string LevelName(RegionLevel level) => level switch
    {
        RegionLevel.Grid => "网格",
        RegionLevel.Community => "社区",
        RegionLevel.Street => "街道",
        RegionLevel.District => "区",
        _ => level.ToString(),
    };
}
