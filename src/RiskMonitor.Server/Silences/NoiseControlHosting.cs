using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Server.Escalation;
using RiskMonitor.Server.Incidents;
using RiskMonitor.Server.Kpis;

namespace RiskMonitor.Server.Silences;

/// <summary>Noise control (docs/decisions/0017-noise-control.md): flap detection settings and silences.</summary>
public static class NoiseControlHosting
{
    /// <summary>Call after <c>AddAlertLifecycle</c> (it registers the silence store).</summary>
    public static WebApplicationBuilder AddNoiseControl(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<FlappingOptions>().BindConfiguration(FlappingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<FlappingOptions>>().Value.ToPolicy());
        services.AddSingleton<SilenceBoard>();
        services.AddHostedService(sp => sp.GetRequiredService<SilenceBoard>());
        services.AddOptions<IncidentLinkOptions>().BindConfiguration(IncidentLinkOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IncidentLinker>();
        services.AddHostedService(sp => sp.GetRequiredService<IncidentLinker>());
        return builder;
    }

    /// <summary>Silences, the notification outbox and the KPIs.</summary>
    public static IEndpointRouteBuilder MapSilenceNoticeAndKpiEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapSilenceEndpoints();
        routes.MapNotificationEndpoints();
        routes.MapKpiEndpoints();
        return routes;
    }
}

/// <summary>Configuration section <c>Alerts:Flapping</c>; defaults and their reasoning in docs/decisions/0017-noise-control.md.</summary>
public sealed class FlappingOptions
{
    public const string SectionName = "Alerts:Flapping";

    /// <summary>Condition changes (raise, clear, return) within <see cref="Window"/> that make an alert flapping.</summary>
    [Range(2, 1000)] public int Transitions { get; set; } = FlapPolicy.Default.Transitions;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan Window { get; set; } = FlapPolicy.Default.Window;

    /// <summary>How long without a condition change before the flag drops.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan QuietPeriod { get; set; } = FlapPolicy.Default.QuietPeriod;

    public FlapPolicy ToPolicy() => new(Transitions, Window, QuietPeriod);
}
