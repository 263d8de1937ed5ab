using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RiskMonitor.Contracts.Escalation;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Escalation;
using RiskMonitor.Storage.Duty;
using RiskMonitor.Storage.Silences;

namespace RiskMonitor.Grains.Escalation;

public static class EscalationServices
{
    /// <summary>
    /// Defaults for what the escalation grain needs, for hosts that configure nothing (the unit-level test cluster):
    /// the DESIGN.md timeouts, an in-memory roster, no grid above any region, and a notifier that drops notices.
    /// A host that registers its own first keeps them.
    /// </summary>
    public static IServiceCollection AddAlertEscalationDefaults(this IServiceCollection services)
    {
        services.TryAddSingleton(EscalationPolicy.Default);
        services.TryAddSingleton(FlapPolicy.Default);
        services.TryAddSingleton<IDutyRoster, InMemoryDutyRoster>();
        services.TryAddSingleton<IRegionChain>(NoRegionChain.Instance);
        services.TryAddSingleton<INotifier>(DroppingNotifier.Instance);
        services.TryAddSingleton<ISilenceStore, InMemorySilenceStore>();
        return services;
    }

    private sealed class NoRegionChain : IRegionChain
    {
        public static readonly NoRegionChain Instance = new();

        public IReadOnlyList<RegionContact> Above(string regionId) => [];
    }

    private sealed class DroppingNotifier : INotifier
    {
        public static readonly DroppingNotifier Instance = new();

        public void Notify(EscalationNotice notice)
        {
        }
    }
}
