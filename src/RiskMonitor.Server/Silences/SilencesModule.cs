using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using RiskMonitor.Domain.Alerts;

namespace RiskMonitor.Server.Silences;

/// <summary>Noise control (docs/decisions/0017-noise-control.md): flap detection settings, silences (an operator's mute) and their API.</summary>
internal static class SilencesModule
{
    /// <summary>After the stores (the silence store is theirs).</summary>
    public static WebApplicationBuilder AddSilences(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<FlappingOptions>().BindConfiguration(FlappingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<FlappingOptions>>().Value.ToPolicy());
        services.AddSingleton<SilenceReadModel>();
        services.AddHostedService(sp => sp.GetRequiredService<SilenceReadModel>());
        services.AddSingleton<SilenceCommands>();
        return builder;
    }

    public static IEndpointRouteBuilder MapSilences(this IEndpointRouteBuilder routes) => routes.MapSilenceEndpoints();
}

/// <summary>Configuration section <c>Alerts:Flapping</c>; defaults and their reasoning in docs/decisions/0017-noise-control.md.</summary>
internal sealed class FlappingOptions
{
    public const string SectionName = "Alerts:Flapping";

    /// <summary>Condition changes (raise, clear, return) within <see cref="Window"/> that make an alert flapping.</summary>
    [Range(2, 1000)] public int Transitions { get; set; } = FlapPolicy.Default.Transitions;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan Window { get; set; } = FlapPolicy.Default.Window;

    /// <summary>How long without a condition change before the flag drops.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan QuietPeriod { get; set; } = FlapPolicy.Default.QuietPeriod;

    public FlapPolicy ToPolicy() => new(Transitions, Window, QuietPeriod);
}
