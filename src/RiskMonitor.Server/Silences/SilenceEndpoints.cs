using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Contracts.Escalation;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain.Access;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.Silences;

namespace RiskMonitor.Server.Silences;

/// <summary>Silences and maintenance windows over REST (docs/decisions/0017-noise-control.md).</summary>
public static class SilenceEndpoints
{
    public static RouteGroupBuilder MapSilenceEndpoints(this IEndpointRouteBuilder routes)
    {
        var silences = routes.MapGroup("/api/silences").WithTags("Silences");
        silences.MapGet("/", List).WithName("ListSilences")
            .WithSummary("Silences in force or starting later, newest first; all=true includes the ones that are over.");
        silences.MapGet("/{silenceId}", Get).WithName("GetSilence");
        silences.MapPost("/", Create).WithName("CreateSilence").RequireAuthorization(Policies.Supervise)
            .WithSummary("Mutes paging and escalation for an asset, a region (with its sub-regions) or a kind, from startsAt (default now) to endsAt; alerts are still raised, stored and shown.");
        silences.MapPost("/{silenceId}/expire", Expire).WithName("ExpireSilence").RequireAuthorization(Policies.Supervise)
            .WithSummary("Ends a silence now; alerts it held escalate from now if their condition is still on.");
        return silences;
    }

    private static async Task<Ok<IReadOnlyList<SilenceView>>> List(
        ISilenceStore store, ClaimsPrincipal user, AccessControl access, TimeProvider time, CancellationToken cancellationToken, bool all = false)
    {
        var now = time.GetUtcNow();
        var callerScope = access.ScopeOf(user);
        return TypedResults.Ok<IReadOnlyList<SilenceView>>([.. (await store.ListAsync(now, all, cancellationToken))
            .Where(s => Covers(access, callerScope, s.Scope, s.Target)).Select(s => SilenceView.From(s, now))]);
    }

    private static async Task<Results<Ok<SilenceView>, ProblemHttpResult>> Get(
        string silenceId, ISilenceStore store, ClaimsPrincipal user, AccessControl access, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(silenceId, cancellationToken) is not { } silence)
        {
            return Problems.NotFound("Unknown silence", $"No silence '{silenceId}'.");
        }

        var callerScope = access.ScopeOf(user);
        return Covers(access, callerScope, silence.Scope, silence.Target)
            ? TypedResults.Ok(SilenceView.From(silence, time.GetUtcNow()))
            : Problems.OutsideRegions($"Silence '{silenceId}' of {silence.Scope} '{silence.Target}' reaches", callerScope);
    }

    /// <summary>
    /// Whether a silence lies within the caller's regions (issue 24 row 3): an asset's or a region's silence when the
    /// asset or region is in scope; a kind spans the city, so only city-wide accounts see, create or end one.
    /// </summary>
    private static bool Covers(AccessControl access, RegionScope callerScope, SilenceScope scope, string target) => scope switch
    {
        _ when callerScope.IsCityWide => true,
        SilenceScope.Asset => access.CanSeeAsset(callerScope, target),
        SilenceScope.Region => access.CanSeeRegion(callerScope, target),
        _ => false,
    };

    private static async Task<Results<Created<SilenceView>, ValidationProblem, ProblemHttpResult>> Create(
        SilenceRequest request, ISilenceStore store, SilenceReadModel board, AlertReadModel alerts, IRiskEventSink events, IGrainFactory grains,
        IAssetRegistry registry, ClaimsPrincipal user, AccessControl access, TimeProvider time, ILogger<SilenceReadModel> logger,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        SilenceScope scope = default;
        if (!Enum.TryParse(request.Scope, ignoreCase: true, out scope) || !Enum.IsDefined(scope) || int.TryParse(request.Scope, out _))
        {
            errors["scope"] = ["Say what the silence covers: asset, region (with its sub-regions) or kind."];
        }

        var startsAt = request.StartsAt ?? now;
        var endsAt = request.EndsAt ?? (request.DurationMinutes is { } minutes ? startsAt.AddMinutes(minutes) : startsAt);
        if (request.EndsAt is not null && request.DurationMinutes is not null)
        {
            errors["durationMinutes"] = ["Give endsAt or durationMinutes, not both."];
        }

        foreach (var (key, messages) in Silence.Validate(scope, request.Target, startsAt, endsAt, request.Author, request.Reason, now))
        {
            errors.TryAdd(key, messages);
        }

        if (scope == SilenceScope.Asset && !errors.ContainsKey("scope") && request.Target is { } assetId && !string.IsNullOrWhiteSpace(assetId) &&
            !registry.TryGet(assetId.Trim(), out _))
        {
            errors["target"] = [$"No asset '{assetId}' in the registry."];
        }

        if (request.Author is { Length: > 100 } || request.Reason is { Length: > 4000 } || request.Target is { Length: > 200 })
        {
            errors.TryAdd("author", ["Author at most 100, target at most 200, reason at most 4000 characters."]);
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // A supervisor scoped to regions may silence only what lies in them; a kind spans the city.
        var target = request.Target!.Trim();
        var callerScope = access.ScopeOf(user);
        if (!Covers(access, callerScope, scope, target))
        {
            return Problems.OutsideRegions($"A silence of {scope} '{target}' reaches", callerScope);
        }

        var silence = new Silence($"sil-{Guid.CreateVersion7():N}", scope, request.Target!.Trim(), startsAt.ToUniversalTime(), endsAt.ToUniversalTime(),
            request.Author!.Trim(), request.Reason!.Trim(), now);
        await store.CreateAsync(silence, cancellationToken);
        SilenceLog.Created(logger, silence.SilenceId, silence.Author, silence.Scope, silence.Target, silence.StartsAt, silence.EndsAt, silence.Reason);
        await RepublishAsync(board, alerts, events, grains, cancellationToken);
        return TypedResults.Created($"/api/silences/{silence.SilenceId}", SilenceView.From(silence, now));
    }

    private static async Task<Results<Ok<SilenceView>, ValidationProblem, ProblemHttpResult>> Expire(
        string silenceId, ExpireSilenceRequest request, ISilenceStore store, SilenceReadModel board, AlertReadModel alerts, IRiskEventSink events,
        IGrainFactory grains, ClaimsPrincipal user, AccessControl access, TimeProvider time, ILogger<SilenceReadModel> logger,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Actor) || request.Actor.Length > 100)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["actor"] = ["Name the person ending the silence (1-100 characters)."] });
        }

        // Ending a silence releases its alerts' escalation, so it is as much the region's business as starting one.
        var callerScope = access.ScopeOf(user);
        if (!callerScope.IsCityWide && await store.FindAsync(silenceId, cancellationToken) is { } existing &&
            !Covers(access, callerScope, existing.Scope, existing.Target))
        {
            return Problems.OutsideRegions($"Silence '{silenceId}' of {existing.Scope} '{existing.Target}' reaches", callerScope);
        }

        var now = time.GetUtcNow();
        var (outcome, silence) = await store.ExpireAsync(silenceId, request.Actor.Trim(), request.Note, now, cancellationToken);
        switch (outcome)
        {
            case SilenceExpiry.Unknown:
                return Problems.NotFound("Unknown silence", $"No silence '{silenceId}'.");
            case SilenceExpiry.AlreadyOver:
                return Problems.Conflict("Silence already over", $"Silence '{silenceId}' ended at {silence!.EffectiveEnd:O}; nothing to expire.");
        }

        SilenceLog.Expired(logger, silenceId, request.Actor);
        await RepublishAsync(board, alerts, events, grains, cancellationToken);
        return TypedResults.Ok(SilenceView.From(silence!, now));
    }

    /// <summary>
    /// The wall and on-call pages learn at once which alerts a change silenced or released, and the escalation clock of
    /// a released open alert looks again now (it would otherwise notice at its next minute's tick).
    /// </summary>
    private static async Task RepublishAsync(
        SilenceReadModel board, AlertReadModel alerts, IRiskEventSink events, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var before = alerts.Alerts.ToDictionary(a => a.AlertId, board.Decorate, StringComparer.Ordinal);
        await board.RefreshAsync(cancellationToken);
        foreach (var (_, alert) in before)
        {
            if (board.Decorate(alert).SilencedBy == alert.SilencedBy)
            {
                continue;
            }

            events.AlertChanged(AlertChangeKind.Updated, alert);
            if (alert.State == AlertState.Open && alert.SilencedBy is not null)
            {
                await grains.For(alert.AlertId).Check();
            }
        }
    }
}

/// <param name="Scope"><c>asset</c>, <c>region</c> or <c>kind</c>.</param>
/// <param name="StartsAt">Default: now.</param>
/// <param name="EndsAt">Or <paramref name="DurationMinutes"/>; at most 7 days after the start.</param>
public sealed record SilenceRequest(
    string? Scope, string? Target, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, int? DurationMinutes, string? Author, string? Reason) : IAttributedRequest
{
    public IAttributedRequest AttributedTo(string actor) => this with { Author = actor };
}

public sealed record ExpireSilenceRequest(string? Actor, string? Note) : IAttributedRequest
{
    public IAttributedRequest AttributedTo(string actor) => this with { Actor = actor };
}

/// <summary>A silence as the API shows it, with whether it is in force now.</summary>
public sealed record SilenceView(
    string SilenceId, SilenceScope Scope, string Target, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Author, string Reason,
    DateTimeOffset CreatedAt, DateTimeOffset? ExpiredAt, string? ExpiredBy, bool InForce, bool Over)
{
    public static SilenceView From(Silence silence, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(silence);
        return new(silence.SilenceId, silence.Scope, silence.Target, silence.StartsAt, silence.EndsAt, silence.Author, silence.Reason,
            silence.CreatedAt, silence.ExpiredAt, silence.ExpiredBy, silence.InForce(now), !silence.Pending(now));
    }
}
