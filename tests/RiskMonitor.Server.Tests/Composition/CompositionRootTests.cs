using Microsoft.Extensions.DependencyInjection;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Contracts.Regions;
using RiskMonitor.Server.Hazards;
using RiskMonitor.Server.Ingest;
using RiskMonitor.Server.Platform.Live;
using RiskMonitor.Server.Platform.Orleans;
using RiskMonitor.Storage.Hazards;

namespace RiskMonitor.Server.Tests.Composition;

/// <summary>
/// The composition root, checked without starting anything (issue 19): every service of our own is registered exactly
/// once (a second registration silently wins), and the container resolves every constructor; each check is also shown
/// to catch what it is for.
/// </summary>
public sealed class CompositionRootTests
{
    // Contracts that are meant to have several implementations, each resolved as IEnumerable<T>.
    private static readonly HashSet<string> ManyByDesign = new(StringComparer.Ordinal)
    {
        "RiskMonitor.Server.Messaging.IMessageChannel", // e-mail and SMS, each on when configured
    };

    /// <summary>Service types of our own registered more than once, unless meant to be many.</summary>
    private static List<string?> RegisteredTwice(IServiceCollection services) =>
        [.. services
            .Where(d => d.ServiceType.Assembly.GetName().Name!.StartsWith("RiskMonitor.", StringComparison.Ordinal) && !d.IsKeyedService)
            .GroupBy(d => d.ServiceType)
            .Where(g => g.Count() > 1 && !ManyByDesign.Contains(g.Key.FullName!))
            .Select(g => g.Key.FullName)];

    private static IServiceCollection Services(params (string Key, string? Value)[] settings) =>
        RiskMonitorApp.CreateBuilder([], builder =>
        {
            foreach (var (key, value) in settings)
            {
                builder.Configuration[key] = value;
            }
        }).Services;

    [Theory]
    [InlineData("Localhost")]
    [InlineData("AdoNet")]
    public void Each_service_of_the_platform_is_registered_once(string membership)
    {
        var services = Services(("Orleans:Membership", membership), ("ConnectionStrings:RiskMonitor", "Host=127.0.0.1;Database=never-opened"));

        Assert.Empty(RegisteredTwice(services));
    }

    [Fact]
    public void A_second_registration_of_a_service_is_caught_and_named()
    {
        // What issue 19 found: a module registering the region sink again, silently winning over the root's line.
        var services = Services(("ConnectionStrings:RiskMonitor", "Host=127.0.0.1;Database=never-opened"));
        services.AddSingleton<IRegionEventSink>(sp => sp.GetRequiredService<RegionEventFanOut>());

        Assert.Equal([typeof(IRegionEventSink).FullName], RegisteredTwice(services));
    }

    [Theory]
    [InlineData("Localhost", false)]
    [InlineData("AdoNet", false)]
    [InlineData("AdoNet", true)] // a cluster node as deployed: external broker (session takeover), Redis backplane
    public void The_container_resolves_every_registered_constructor(string membership, bool clusterServices)
    {
        // The server validates at start too (CreateBuilder), so each configuration that adds services is checked here.
        var services = Services(
            ("Orleans:Membership", membership), ("ConnectionStrings:RiskMonitor", "Host=127.0.0.1;Database=never-opened"),
            ("Mqtt:Mode", clusterServices ? "External" : null), ("Mqtt:Broker:Host", clusterServices ? "127.0.0.1" : null),
            ("Redis:Configuration", clusterServices ? "127.0.0.1:1" : null));

        // Validation walks every constructor; factories and hosted services are not run, nothing connects.
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.NotNull(provider.GetService<TimeProvider>());
        Assert.Equal(clusterServices, services.Any(d => d.ImplementationType == typeof(DeadSiloSessionTakeover)));
    }

    [Fact]
    public void A_service_no_module_registered_stops_the_build_naming_who_needs_it()
    {
        // The tip line's command class is made per request: without the check at build, a missing store would surface
        // as a 500 on the first public tip, not at the start.
        var builder = RiskMonitorApp.CreateBuilder([], b => b.Configuration["ConnectionStrings:RiskMonitor"] = "Host=127.0.0.1;Database=never-opened");
        foreach (var store in builder.Services.Where(d => d.ServiceType == typeof(ITipLineStore)).ToList())
        {
            builder.Services.Remove(store);
        }

        var refused = Assert.Throws<AggregateException>(() => builder.Build());

        Assert.Contains(refused.InnerExceptions, e => e.Message.Contains(nameof(TipLineCommands), StringComparison.Ordinal) &&
                                                      e.Message.Contains(nameof(ITipLineStore), StringComparison.Ordinal));
    }

    [Fact]
    public void Every_grain_constructor_takes_only_registered_services()
    {
        var services = Services(("ConnectionStrings:RiskMonitor", "Host=127.0.0.1;Database=never-opened"));
        using var provider = services.BuildServiceProvider();

        var grains = GrainDependencies.GrainClasses();

        Assert.Contains(grains, g => g.Name == "EscalationShardGrain");
        Assert.Empty(GrainDependencies.Missing(provider, grains));
    }

    [Fact]
    public void A_grain_service_no_module_registered_stops_the_start_with_its_name()
    {
        // Without the escalation module's notifier, escalation notices would fail only when the first alert escalates.
        var services = Services(("ConnectionStrings:RiskMonitor", "Host=127.0.0.1;Database=never-opened"));
        foreach (var notifier in services.Where(d => d.ServiceType == typeof(INotifier)).ToList())
        {
            services.Remove(notifier);
        }

        using var provider = services.BuildServiceProvider();

        var refused = Assert.Throws<InvalidOperationException>(() => GrainDependencies.Verify(provider));
        Assert.Contains("EscalationShardGrain(INotifier)", refused.Message, StringComparison.Ordinal);
        Assert.Contains("PartyCaseGrain(INotifier)", refused.Message, StringComparison.Ordinal);
    }
}
