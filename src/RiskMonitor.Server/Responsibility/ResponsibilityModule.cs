using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RiskMonitor.Contracts.Json;
using RiskMonitor.Domain.Responsibility;
using RiskMonitor.Storage.Responsibility;

namespace RiskMonitor.Server.Responsibility;

/// <summary>The responsibility chain (issue 20, docs/decisions/0035-responsibility-chain.md): stores, policy, seed, API.</summary>
internal static class ResponsibilityModule
{
    /// <summary>After <c>AddRiskMonitorStores</c> (the stores' data source and migrations).</summary>
    public static WebApplicationBuilder AddResponsibility(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ResponsibilityOptions>().BindConfiguration(ResponsibilityOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.AddResponsibilityStores();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<ResponsibilityOptions>>().Value.ToPolicy());
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<ResponsibilityOptions>>().Value.ToRescueSignals());
        builder.Services.AddHostedService<ResponsibilitySeeder>();
        builder.Services.AddHostedService<PartyRoutingSweeper>();
        builder.Services.AddSingleton<ResponsibilityCommands>();
        builder.Services.AddSingleton<UnitQueries>();
        builder.Services.AddSingleton<RescueCommands>();
        return builder;
    }

    public static RouteGroupBuilder MapResponsibility(this RouteGroupBuilder routes) => routes.MapResponsibilityEndpoints();
}

/// <summary>The shipped file's shape: organisations with their people, and each asset's parties.</summary>
internal sealed record ResponsibilitySeed(ImmutableArray<Organisation> Organisations, ImmutableArray<AssetParties> AssetParties);

/// <summary>Loads the shipped organisations and asset parties into an empty registry at start (every node may try; one wins).</summary>
internal sealed partial class ResponsibilitySeeder(
    IResponsibilityStore store, IOptions<ResponsibilityOptions> options, IHostEnvironment environment, TimeProvider time, ILogger<ResponsibilitySeeder> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var path = RegistryOptions.Resolve(options.Value.SeedPath, environment.ContentRootPath);
        if (!File.Exists(path))
        {
            NoSeed(logger, path);
            return;
        }

        var seed = Read(path);
        var problems = Check(seed);
        if (problems.Count > 0)
        {
            throw new InvalidDataException($"{path}: {string.Join("; ", problems.Take(10))}");
        }

        if (await store.SeedAsync(seed.Organisations, seed.AssetParties, time.GetUtcNow(), cancellationToken))
        {
            Seeded(logger, seed.Organisations.Length, seed.AssetParties.Length, path);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static ResponsibilitySeed Read(string path)
    {
        var json = new JsonSerializerOptions();
        RiskMonitorJson.Configure(json);
        using var stream = File.OpenRead(path);
        var seed = JsonSerializer.Deserialize<ResponsibilitySeed>(stream, json) ?? throw new InvalidDataException($"{path} holds JSON null.");
        return seed with
        {
            Organisations = seed.Organisations.IsDefault ? [] : seed.Organisations,
            AssetParties = seed.AssetParties.IsDefault ? [] : seed.AssetParties,
        };
    }

    /// <summary>The same checks the API makes, so a broken shipped file stops the start instead of half-loading.</summary>
    public static List<string> Check(ResponsibilitySeed seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var problems = new List<string>();
        var byId = new Dictionary<string, Organisation>(StringComparer.Ordinal);
        foreach (var organisation in seed.Organisations)
        {
            problems.AddRange(organisation.Problems().Select(p => $"organisation {organisation.Id}: {p.Value[0]}"));
            if (!byId.TryAdd(organisation.Id, organisation))
            {
                problems.Add($"organisation {organisation.Id} twice");
            }
        }

        problems.AddRange(seed.Organisations.Where(o => o.CreditCode is not null).GroupBy(o => o.CreditCode).Where(g => g.Count() > 1)
            .Select(g => $"credit code {g.Key} on {string.Join(", ", g.Select(o => o.Id))}"));
        foreach (var parties in seed.AssetParties)
        {
            // The asset kind is not in this file; the hazard-source check is the API's, against the asset registry.
            problems.AddRange(parties.Problems("", id => byId.GetValueOrDefault(id)).Select(p => $"asset {parties.AssetId}: {p.Value[0]}"));
        }

        return problems;
    }

    [LoggerMessage(EventId = 4610, Level = LogLevel.Information, Message = "Responsibility registry seeded: {Organisations} organisations, {Assets} asset parties from {Path}")]
    private static partial void Seeded(ILogger logger, int organisations, int assets, string path);

    [LoggerMessage(EventId = 4611, Level = LogLevel.Information, Message = "No responsibility seed at {Path}: organisations and asset parties come from the API only")]
    private static partial void NoSeed(ILogger logger, string path);
}
