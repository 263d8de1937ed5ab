using Microsoft.Extensions.DependencyInjection;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Server.Platform.Orleans;

namespace RiskMonitor.Server.Tests.Composition;

/// <summary>
/// The composition root, checked without starting anything (issue 19): every service of our own is registered exactly
/// once (a second registration silently wins), and the container resolves every constructor.
/// </summary>
public sealed class CompositionRootTests
{
    // Contracts that are meant to have several implementations, each resolved as IEnumerable<T>.
    private static readonly HashSet<string> ManyByDesign = new(StringComparer.Ordinal)
    {
        "RiskMonitor.Server.Messaging.IMessageChannel", // e-mail and SMS, each on when configured
    };

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

        var twice = services
            .Where(d => d.ServiceType.Assembly.GetName().Name!.StartsWith("RiskMonitor.", StringComparison.Ordinal) && !d.IsKeyedService)
            .GroupBy(d => d.ServiceType)
            .Where(g => g.Count() > 1 && !ManyByDesign.Contains(g.Key.FullName!))
            .Select(g => g.Key.FullName)
            .ToList();

        Assert.Empty(twice);
    }

    [Fact]
    public void The_container_resolves_every_registered_constructor()
    {
        var services = Services(("ConnectionStrings:RiskMonitor", "Host=127.0.0.1;Database=never-opened"));

        // Validation walks every constructor; factories and hosted services are not run, nothing connects.
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.NotNull(provider.GetService<TimeProvider>());
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
