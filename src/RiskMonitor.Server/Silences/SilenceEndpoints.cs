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
internal static class SilenceEndpoints
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
            .Where(s => SilenceCommands.Covers(access, callerScope, s.Scope, s.Target)).Select(s => SilenceView.From(s, now))]);
    }

    private static async Task<Results<Ok<SilenceView>, ProblemHttpResult>> Get(
        string silenceId, ISilenceStore store, ClaimsPrincipal user, AccessControl access, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(silenceId, cancellationToken) is not { } silence)
        {
            return Problems.NotFound("Unknown silence", $"No silence '{silenceId}'.");
        }

        var callerScope = access.ScopeOf(user);
        return SilenceCommands.Covers(access, callerScope, silence.Scope, silence.Target)
            ? TypedResults.Ok(SilenceView.From(silence, time.GetUtcNow()))
            : Problems.OutsideRegions($"Silence '{silenceId}' of {silence.Scope} '{silence.Target}' reaches", callerScope);
    }

    private static Task<Results<Created<SilenceView>, ValidationProblem, ProblemHttpResult>> Create(
        SilenceRequest request, SilenceCommands commands, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        commands.CreateAsync(request, user, cancellationToken);

    private static Task<Results<Ok<SilenceView>, ValidationProblem, ProblemHttpResult>> Expire(
        string silenceId, ExpireSilenceRequest request, SilenceCommands commands, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        commands.ExpireAsync(silenceId, request, user, cancellationToken);
}

/// <param name="Scope"><c>asset</c>, <c>region</c> or <c>kind</c>.</param>
/// <param name="StartsAt">Default: now.</param>
/// <param name="EndsAt">Or <paramref name="DurationMinutes"/>; at most 7 days after the start.</param>
internal sealed record SilenceRequest(
    string? Scope, string? Target, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, int? DurationMinutes, string? Author, string? Reason) : IAttributedRequest
{
    public IAttributedRequest AttributedTo(string actor) => this with { Author = actor };
}

internal sealed record ExpireSilenceRequest(string? Actor, string? Note) : IAttributedRequest
{
    public IAttributedRequest AttributedTo(string actor) => this with { Actor = actor };
}

/// <summary>A silence as the API shows it, with whether it is in force now.</summary>
internal sealed record SilenceView(
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
