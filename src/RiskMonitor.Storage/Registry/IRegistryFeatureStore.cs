using RiskMonitor.Storage.Responsibility;

namespace RiskMonitor.Storage.Registry;

/// <summary>Which registry layer a feature belongs to.</summary>
public enum RegistryLayer
{
    Asset,
    Region,
}

/// <summary>One feature as changed over the API: the GeoJSON Feature (text), its version, and whether it is retired.</summary>
public sealed record RegistryFeature(RegistryLayer Layer, string Id, int Version, bool Retired, string Feature, DateTimeOffset UpdatedAt, string UpdatedBy);

/// <summary>Every feature changed over the API, as of <paramref name="Version"/> (the registry's change counter).</summary>
public sealed record RegistryOverlay(long Version, IReadOnlyList<RegistryFeature> Features)
{
    public static RegistryOverlay Empty { get; } = new(0, []);
}

/// <summary>
/// A change to one feature: <paramref name="Feature"/> is the GeoJSON Feature written (for a retirement, the last one in
/// force, kept with the retired row). <paramref name="ExpectedVersion"/> null creates
/// it (refused when it exists); otherwise it is the version the writer read, and a newer one refuses the write.
/// <paramref name="InSeed"/>: the seed file has the feature, at version 0.
/// </summary>
public sealed record RegistryFeatureChange(
    RegistryLayer Layer, string Id, string Feature, bool Retire, int? ExpectedVersion, bool InSeed, string Actor, DateTimeOffset At);

/// <summary>
/// The assets and regions changed since the seed (issue 20 item 2, docs/decisions/0041-live-registry.md). Writes are
/// serialised; each is checked against the whole registry as it would be after it (by <c>validate</c>, inside the
/// write), versioned, audited, and counted in <see cref="RegistryOverlay.Version"/> in one transaction, so a refused
/// write changes nothing and a node that sees the count move reloads.
/// </summary>
public interface IRegistryFeatureStore
{
    /// <summary>The change counter alone: what each node polls.</summary>
    Task<long> VersionAsync(CancellationToken cancellationToken = default);

    Task<RegistryOverlay> LoadAsync(CancellationToken cancellationToken = default);

    /// <param name="validate">
    /// Given the overlay as it would be after the change, the problems (field -> messages) that refuse it, or null.
    /// </param>
    Task<RegistryWrite> SaveAsync(
        RegistryFeatureChange change, Func<RegistryOverlay, IReadOnlyDictionary<string, string[]>?> validate, CancellationToken cancellationToken = default);
}

/// <summary>The version rules both stores share.</summary>
internal static class RegistryFeatureWrites
{
    /// <summary>The refusal of a change to a feature now at <paramref name="current"/> (null: none), or null to go ahead.</summary>
    public static RegistryWrite? Check(RegistryFeatureChange change, RegistryFeature? current)
    {
        int? version = current?.Version ?? (change.InSeed ? 0 : null);
        var live = current is null ? change.InSeed : !current.Retired;
        if (change.ExpectedVersion is null)
        {
            // A retired id stays taken: its history in registry_changes names it.
            return version is null ? null : new RegistryWrite(RegistryWriteOutcome.Exists, version.Value);
        }

        if (version is null || !live)
        {
            return new RegistryWrite(RegistryWriteOutcome.Unknown, version ?? 0);
        }

        return change.ExpectedVersion != version ? new RegistryWrite(RegistryWriteOutcome.VersionConflict, version.Value) : null;
    }

    public static RegistryOverlay Apply(RegistryOverlay overlay, RegistryFeature written) =>
        new(overlay.Version + 1, [.. overlay.Features.Where(f => f.Layer != written.Layer || f.Id != written.Id), written]);

    public static string LayerName(RegistryLayer layer) => layer == RegistryLayer.Asset ? "asset" : "region";
}
