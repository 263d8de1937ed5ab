using System.ComponentModel.DataAnnotations;

namespace RiskMonitor.Server.Hazards;

/// <summary>Configuration section <c>Hazards</c> (docs/decisions/0038-hazard-supervision-and-tip-line.md).</summary>
internal sealed class HazardSupervisionOptions
{
    public const string SectionName = "Hazards";

    /// <summary>
    /// An overdue listed hazard is pushed again this long after the last push, until verified. Twelve hours: the day and
    /// the night duty room each hear it once a day, without turning a months-long rectification into a pager storm.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")] public TimeSpan OverdueRepeat { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How often the watch looks for overdue listed hazards; a push goes out at most this late.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")] public TimeSpan OverdueCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Largest evidence file. 10 MiB holds a full-resolution phone photo or a scanned multi-page rectification report.</summary>
    [Range(1024, 100 * 1024 * 1024)] public int EvidenceMaxBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>
    /// Tip-line category (the industry names of the registry) to the department responsible for it. The defaults are the
    /// usual split of a Chinese city: gas under the city-administration (gas) bureau, lifts and other special equipment
    /// under market supervision, hazardous chemicals under emergency management.
    /// </summary>
    public Dictionary<string, string> TipDepartments { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["gas"] = "市城市管理局（燃气）",
        ["special_equipment"] = "市市场监督管理局（特种设备）",
        ["hazardous_chemicals"] = "市应急管理局（危险化学品）",
    };

    /// <summary>Where a tip of any other category goes: the duty room, which sorts it by hand.</summary>
    [Required, MinLength(1)] public string TipFallbackDepartment { get; set; } = "市应急管理局值班室";
}
