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
/// <paramref name="InSeed"/>: the seed file has the feature, at version 0. <paramref name="Replace"/> (an import): create
/// it, or replace whatever version is in force; a retired id is still refused.
/// </summary>
public sealed record RegistryFeatureChange(
    RegistryLayer Layer, string Id, string Feature, bool Retire, int? ExpectedVersion, bool InSeed, string Actor, DateTimeOffset At, bool Replace = false);

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
        RegistryFeatureChange change, Func<RegistryOverlay, IReadOnlyDictionary<string, string[]>?> validate, CancellationToken cancellationToken = default)
        => SaveAllAsync([change], validate, cancellationToken);

    /// <summary>
    /// Several changes in one write (an import): each is checked as <see cref="SaveAsync"/> checks one, the overlay they
    /// make together is validated once, and all are saved (each versioned and audited) or none. A refusal names the
    /// change refused in <see cref="RegistryWrite.Id"/>; success gives the version of the first change.
    /// </summary>
    Task<RegistryWrite> SaveAllAsync(
        IReadOnlyList<RegistryFeatureChange> changes, Func<RegistryOverlay, IReadOnlyDictionary<string, string[]>?> validate, CancellationToken cancellationToken = default);
}

/// <summary>The version rules both stores share.</summary>
internal static class RegistryFeatureWrites
{
    /// <summary>The refusal of a change to a feature now at <paramref name="current"/> (null: none), or null to go ahead.</summary>
    public static RegistryWrite? Check(RegistryFeatureChange change, RegistryFeature? current)
    {
        int? version = current?.Version ?? (change.InSeed ? 0 : null);
        var live = current is null ? change.InSeed : !current.Retired;
        if (change.Replace)
        {
            return version is null || live ? null : new RegistryWrite(RegistryWriteOutcome.Exists, version.Value, Id: change.Id);
        }

        if (change.ExpectedVersion is null)
        {
            // A retired id stays taken: its history in registry_changes names it.
            return version is null ? null : new RegistryWrite(RegistryWriteOutcome.Exists, version.Value, Id: change.Id);
        }

        if (version is null || !live)
        {
            return new RegistryWrite(RegistryWriteOutcome.Unknown, version ?? 0, Id: change.Id);
        }

        return change.ExpectedVersion != version ? new RegistryWrite(RegistryWriteOutcome.VersionConflict, version.Value, Id: change.Id) : null;
    }

    /// <summary>
    /// The rows the changes write, in order, laid over <paramref name="overlay"/>; or the first refusal. The ids must be
    /// distinct (the caller refuses a document naming one twice).
    /// </summary>
    public static (RegistryOverlay Next, List<RegistryFeature> Written, RegistryWrite? Refused) Plan(
        RegistryOverlay overlay, IReadOnlyList<RegistryFeatureChange> changes)
    {
        ArgumentOutOfRangeException.ThrowIfZero(changes.Count);
        var written = new List<RegistryFeature>(changes.Count);
        var next = overlay;
        foreach (var change in changes)
        {
            var current = overlay.Features.FirstOrDefault(f => f.Layer == change.Layer && f.Id == change.Id);
            if (Check(change, current) is { } refused)
            {
                return (overlay, written, refused);
            }

            var row = new RegistryFeature(change.Layer, change.Id, (current?.Version ?? 0) + 1, change.Retire, change.Feature, change.At, change.Actor);
            written.Add(row);
            next = Apply(next, row) with { Version = next.Version };
        }

        return (next with { Version = overlay.Version + 1 }, written, null);
    }

    public static RegistryOverlay Apply(RegistryOverlay overlay, RegistryFeature written) =>
        new(overlay.Version + 1, [.. overlay.Features.Where(f => f.Layer != written.Layer || f.Id != written.Id), written]);

    public static string LayerName(RegistryLayer layer) => layer == RegistryLayer.Asset ? "asset" : "region";
}
