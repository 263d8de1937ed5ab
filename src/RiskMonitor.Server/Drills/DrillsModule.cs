using System.ComponentModel.DataAnnotations;
using RiskMonitor.Storage.Drills;

namespace RiskMonitor.Server.Drills;

/// <summary>Drills end to end (issue 21 item 5, docs/decisions/0042-drills-end-to-end.md).</summary>
internal static class DrillsModule
{
    public static WebApplicationBuilder AddDrills(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddDrillStore();
        builder.Services.AddOptions<DrillOptions>().BindConfiguration(DrillOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<DrillRunner>();
        builder.Services.AddSingleton<DrillReportQueries>();
        builder.Services.AddHostedService<DrillScheduler>();
        return builder;
    }

    public static IEndpointRouteBuilder MapDrills(this IEndpointRouteBuilder routes) => routes.MapDrillEndpoints();
}

/// <summary>Configuration section <c>Drills</c>.</summary>
internal sealed class DrillOptions
{
    public const string SectionName = "Drills";

    /// <summary>How often scheduled drills are looked at: a drill starts at most this late. Drills are planned to the minute.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")] public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(30);
}
