using System.Text.Json;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Storage.Silences;

/// <summary>
/// Silences and maintenance windows (docs/decisions/0017-noise-control.md): created and expired, never deleted; each
/// change is a ledger line and a <c>silence.*</c> feed event written with it.
/// </summary>
public interface ISilenceStore
{
    Task CreateAsync(Silence silence, CancellationToken cancellationToken = default);

    /// <summary>Ends a silence now. Unknown id: <see cref="SilenceExpiry.Unknown"/>; one already over is left as it is.</summary>
    Task<(SilenceExpiry Outcome, Silence? Silence)> ExpireAsync(
        string silenceId, string actor, string? note, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task<Silence?> FindAsync(string silenceId, CancellationToken cancellationToken = default);

    /// <summary>Silences not yet over at <paramref name="now"/> (in force or starting later); with <paramref name="includeEnded"/>, all of them. Newest first.</summary>
    Task<IReadOnlyList<Silence>> ListAsync(DateTimeOffset now, bool includeEnded = false, CancellationToken cancellationToken = default);
}

public enum SilenceExpiry
{
    Expired,
    AlreadyOver,
    Unknown,
}

/// <summary>The feed events of silences, schema version 1: <c>{ action, actor, note, silence }</c>.</summary>
public sealed record SilenceFeedPayload(string Action, string Actor, string? Note, Silence Silence)
{
    public const string Created = "created";
    public const string Expired = "expired";
    public const int SchemaVersion = 1;

    public static string TypeOf(string action) => "silence." + action;

    internal string ToJson() => JsonSerializer.Serialize(this, StorageJson.Options);

    internal JsonElement ToElement() => JsonSerializer.SerializeToElement(this, StorageJson.Options);
}
