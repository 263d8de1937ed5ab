using System.Reflection;
using Orleans;
using Orleans.Runtime;
using RiskMonitor.Grains;

namespace RiskMonitor.Server.Platform.Orleans;

/// <summary>
/// What a grain takes in its constructor is resolved when the grain first activates, which can be hours after the start
/// (an escalation shard on the first alert). A service no module registered must stop the start instead, so every
/// grain's constructor is checked against the container once the host is built.
/// </summary>
internal static class GrainDependencies
{
    /// <summary>The grain classes of the grains' project and of the server.</summary>
    public static IReadOnlyList<Type> GrainClasses() =>
    [
        .. new[] { typeof(GrainStorage).Assembly, typeof(GrainDependencies).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IGrainBase).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal),
    ];

    /// <summary>Each grain constructor parameter the container cannot give, as <c>Grain(parameter type)</c>.</summary>
    public static IReadOnlyList<string> Missing(IServiceProvider services, IEnumerable<Type> grainClasses)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(grainClasses);
        var known = services.GetRequiredService<IServiceProviderIsService>();
        var missing = new List<string>();
        foreach (var grain in grainClasses)
        {
            foreach (var parameter in grain.GetConstructors().SelectMany(c => c.GetParameters()))
            {
                // Facets ([PersistentState]) are made by Orleans per activation, not taken from the container.
                var facet = parameter.GetCustomAttributes().Any(a => a is IFacetMetadata);
                if (!facet && !parameter.HasDefaultValue && !known.IsService(parameter.ParameterType))
                {
                    missing.Add($"{grain.Name}({parameter.ParameterType.Name})");
                }
            }
        }

        return missing;
    }

    /// <summary>Throws when a grain takes a service nothing registered (called by the composition root after Build).</summary>
    public static void Verify(IServiceProvider services)
    {
        var missing = Missing(services, GrainClasses());
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"Grains take services no module registered: {string.Join(", ", missing)}. Register them in the feature's module (RiskMonitorApp lists the modules).");
        }
    }
}
