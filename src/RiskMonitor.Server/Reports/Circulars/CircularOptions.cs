namespace RiskMonitor.Server.Reports.Circulars;

/// <summary>Configuration section <c>Circulars</c> (docs/decisions/0036a-circulars-and-reports.md).</summary>
internal sealed class CircularOptions
{
    public const string SectionName = "Circulars";

    /// <summary>
    /// The department that regulates each industry (管行业必须管安全), for the ranking by regulator. Defaults: the usual
    /// split of a Chinese city: city gas under housing and urban-rural development, elevators and other special equipment
    /// under market regulation, hazardous chemicals under emergency management. An industry left out ranks as 未登记.
    /// </summary>
    public Dictionary<string, string> Regulators { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["gas"] = "住房和城乡建设局（燃气）",
        ["special_equipment"] = "市场监督管理局（特种设备）",
        ["hazardous_chemicals"] = "应急管理局（危险化学品）",
    };

    /// <summary>Local time of the periods (China Standard Time by default, as the KPIs).</summary>
    public TimeSpan UtcOffset { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// A TrueType font with Chinese glyphs for the PDF (PDFsharp embeds it). Default: Droid Sans Fallback from the Debian
    /// package <c>fonts-droid-fallback</c>, a single .ttf (the WenQuanYi and Noto CJK packages ship .ttc collections).
    /// </summary>
    public string FontPath { get; set; } = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf";

    /// <summary>Where the scheduled circulars are written (PDF and .xlsx per period); off while unset.</summary>
    public string? OutputDirectory { get; set; }

    /// <summary>How often the scheduler looks for a period that has ended and has no file yet.</summary>
    public TimeSpan ScheduleInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How far back each pass of the schedule looks for a subscriber's period that ended and was not mailed (decision
    /// 0056): a week, so a server down over a long weekend still sends every daily report; older ones are not sent.
    /// </summary>
    public TimeSpan ReportCatchUp { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Local times of day at which the duty room hands over (e.g. <c>08:30</c>, <c>20:30</c>), for the handover
    /// subscriptions (decision 0061). Empty (the default): each shift of the duty roster starting is a handover.
    /// </summary>
    public List<TimeOnly> HandoverTimes { get; set; } = [];

    /// <summary>
    /// How late a handover report may still go out after its shift change (a node down at the change): two hours; after
    /// that the shift has long taken over, and the next change's report is the one worth sending.
    /// </summary>
    public TimeSpan HandoverCatchUp { get; set; } = TimeSpan.FromHours(2);
}
