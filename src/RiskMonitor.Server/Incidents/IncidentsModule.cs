using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RiskMonitor.Storage.Incidents;

namespace RiskMonitor.Server.Incidents;

/// <summary>
/// Incidents as records with their reporting ladder (issue 21, docs/decisions/0037-incidents-and-the-reporting-ladder.md),
/// the linker that groups current alerts into incidents, and their API.
/// </summary>
internal static class IncidentsModule
{
    /// <summary>
    /// The key of the <see cref="TimeProvider"/> the incident clocks run on: the server's own unless a test puts a fake one
    /// here, so a test can move the regulatory hours without moving Orleans, the broker or the stores.
    /// </summary>
    public const string TimeKey = "incidents";

    public static WebApplicationBuilder AddIncidents(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddIncidentStore();
        builder.Services.TryAddKeyedSingleton<TimeProvider>(TimeKey, (sp, _) => sp.GetRequiredService<TimeProvider>());
        builder.Services.AddOptions<IncidentClockOptions>().BindConfiguration(IncidentClockOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IncidentClockWatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IncidentClockWatcher>());
        builder.Services.AddOptions<IncidentLinkOptions>().BindConfiguration(IncidentLinkOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IncidentLinker>();
        builder.Services.AddSingleton<IncidentCommands>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IncidentLinker>());
        return builder;
    }

    public static IEndpointRouteBuilder MapIncidents(this IEndpointRouteBuilder routes) => routes.MapIncidentEndpoints();
}

/// <summary>Configuration section <c>IncidentClocks</c>.</summary>
internal sealed class IncidentClockOptions
{
    public const string SectionName = "IncidentClocks";

    /// <summary>
    /// How often open incidents' clocks are looked at. Half a minute against clocks of 1 and 2 hours and a 15-minute
    /// warning: a push is at most this late.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")] public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(30);
}
