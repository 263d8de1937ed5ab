using System.ComponentModel.DataAnnotations;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Responsibility;

namespace RiskMonitor.Server.Responsibility;

/// <summary>
/// <c>Responsibility</c> section (issue 20): the shipped organisations and asset parties, and how long each party has.
/// Defaults and their sources are in docs/rules.md ("Routing to the responsible parties").
/// </summary>
internal sealed class ResponsibilityOptions
{
    public const string SectionName = "Responsibility";

    /// <summary>
    /// JSON with <c>organisations</c> and <c>assetParties</c>, loaded into an empty registry at first start (then the
    /// registry is edited over the API). Optional: no file, an empty registry.
    /// </summary>
    [Required] public string SeedPath { get; set; } = "data/demo-city/responsibility.json";

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan RedAcknowledgeWithin { get; set; } = TimeSpan.FromMinutes(5);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan OrangeAcknowledgeWithin { get; set; } = TimeSpan.FromMinutes(15);

    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")] public TimeSpan YellowAcknowledgeWithin { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>
    /// An entrapment's maintenance unit on site within this, from the report: 30 min, TSG T5002-2017 (电梯维护保养规则)
    /// for districted cities; set it to what the city's own rule says (some require less).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan RescueArrivalWithin { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How often every node looks for alerts whose parties were never told (a routing call lost with its silo, or made
    /// while PostgreSQL was down): at most this late once PostgreSQL is back, against the red acknowledgement's 5 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")] public TimeSpan RoutingSweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Left to the routing call in flight: an alert raised or worsened more recently is not swept yet.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")] public TimeSpan RoutingSweepGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Lift events that record the rescuers' arrival while an entrapment is being handled (decision 0048); the
    /// entrapment's own clearing records the release. Set them to what the city's lift monitoring units send; unset =
    /// <see cref="RescueSignals.DefaultArrivalCodes"/> (no default in the property: configuration binding appends to an
    /// array it finds filled).
    /// </summary>
    public string[]? RescueArrivalEventCodes { get; set; }

    public RescueSignals ToRescueSignals() => RescueArrivalEventCodes is { Length: > 0 } codes ? new(codes) : RescueSignals.Default;

    public RoutingPolicy ToPolicy() => new(new RoutingWindows(
        new Dictionary<WarningLevel, TimeSpan>
        {
            [WarningLevel.Red] = RedAcknowledgeWithin,
            [WarningLevel.Orange] = OrangeAcknowledgeWithin,
            [WarningLevel.Yellow] = YellowAcknowledgeWithin,
        },
        RescueArrivalWithin));
}
