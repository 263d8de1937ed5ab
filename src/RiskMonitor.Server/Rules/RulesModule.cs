using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Server.Platform.Scheduling;
using RiskMonitor.Server.Rules.Suggestions;
using RiskMonitor.Storage.Rules;

namespace RiskMonitor.Server.Rules;

/// <summary>Rules as managed configuration (docs/decisions/0043): the rule file seeds the store, the store is in force.</summary>
internal static class RulesModule
{
    /// <summary>Call after <c>AddRiskMonitorStores</c> (it registers the rule store) and before Orleans, so the stored rules are read before grains activate.</summary>
    public static WebApplicationBuilder AddRules(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<RulesOptions>().BindConfiguration(RulesOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var contentRoot = builder.Environment.ContentRootPath;
        services.AddSingleton(sp =>
        {
            var path = RegistryOptions.Resolve(sp.GetRequiredService<IOptions<RegistryOptions>>().Value.RulesPath, contentRoot);
            var catalog = JsonRuleCatalog.Load(path); // a bad rule file still stops the start, with the place in the file
            return new ManagedRuleCatalog(catalog, File.ReadAllText(path));
        });
        services.AddSingleton<IRuleCatalog>(sp => sp.GetRequiredService<ManagedRuleCatalog>());
        services.AddSingleton<RuleManager>();
        services.AddHostedService<RuleVersionFollower>();
        services.AddOptions<BacktestOptions>().BindConfiguration(BacktestOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        // A backtest's bookkeeping in the server (its ledger read, the worker's messages) runs below a real-time live path (docs/decisions/0070).
        services.AddSingleton(_ => new NormalClassThread("backtest-follow"));
        services.AddSingleton<BacktestJobs>();
        services.AddOptions<SuggestionOptions>().BindConfiguration(SuggestionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ThresholdSuggestions>();
        return builder;
    }

    public static IEndpointRouteBuilder MapRules(this IEndpointRouteBuilder routes) => routes.MapRuleEndpoints();
}

/// <summary>Configuration section <c>Rules</c>.</summary>
internal sealed class RulesOptions
{
    public const string SectionName = "Rules";

    /// <summary>
    /// How often each node asks the store for a newer rule version: the longest a change takes to reach the other nodes
    /// (the node that took the change applies it at once). One indexed max() per node per interval.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")] public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the start waits for the store before running on the rule file (and catching up later).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")] public TimeSpan StartupReadTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
