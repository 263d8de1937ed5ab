using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain.Access;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Server.Escalation;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.Silences;

namespace RiskMonitor.Server.Silences;

/// <summary>
/// Starting and ending a silence: validation, the caller's regions, the store, and telling the pages and the escalation
/// clocks what the change silenced or released. Everything it talks to is a port, so it is tested in memory.
/// </summary>
internal sealed class SilenceCommands(
    ISilenceStore store, SilenceReadModel silences, AlertReadModel alerts, IRiskEventSink events, IEscalationRecheck escalation,
    IAssetRegistry registry, ICallerAccess access, TimeProvider time, ILogger<SilenceCommands> logger)
{
    public async Task<Results<Created<SilenceView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        SilenceRequest request, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
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

        var silence = new Silence($"sil-{Guid.CreateVersion7():N}", scope, target, startsAt.ToUniversalTime(), endsAt.ToUniversalTime(),
            request.Author!.Trim(), request.Reason!.Trim(), now);
        await store.CreateAsync(silence, cancellationToken);
        SilenceLog.Created(logger, silence.SilenceId, silence.Author, silence.Scope, silence.Target, silence.StartsAt, silence.EndsAt, silence.Reason);
        await RepublishAsync(cancellationToken);
        return TypedResults.Created($"/api/silences/{silence.SilenceId}", SilenceView.From(silence, now));
    }

    public async Task<Results<Ok<SilenceView>, ValidationProblem, ProblemHttpResult>> ExpireAsync(
        string silenceId, ExpireSilenceRequest request, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
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
        await RepublishAsync(cancellationToken);
        return TypedResults.Ok(SilenceView.From(silence!, now));
    }

    /// <summary>
    /// Whether a silence lies within the caller's regions (issue 24 row 3): an asset's or a region's silence when the
    /// asset or region is in scope; a kind spans the city, so only city-wide accounts see, create or end one.
    /// </summary>
    public static bool Covers(ICallerAccess access, RegionScope callerScope, SilenceScope scope, string target) => scope switch
    {
        _ when callerScope.IsCityWide => true,
        SilenceScope.Asset => access.CanSeeAsset(callerScope, target),
        SilenceScope.Region => access.CanSeeRegion(callerScope, target),
        _ => false,
    };

    /// <summary>
    /// The wall and on-call pages learn at once which alerts a change silenced or released, and the escalation clock of
    /// a released open alert looks again now (it would otherwise notice at its next minute's tick).
    /// </summary>
    private async Task RepublishAsync(CancellationToken cancellationToken)
    {
        var before = alerts.Alerts.ToDictionary(a => a.AlertId, silences.Decorate, StringComparer.Ordinal);
        await silences.RefreshAsync(cancellationToken);
        foreach (var (_, alert) in before)
        {
            if (silences.Decorate(alert).SilencedBy == alert.SilencedBy)
            {
                continue;
            }

            events.AlertChanged(AlertChangeKind.Updated, alert);
            if (alert.State == AlertState.Open && alert.SilencedBy is not null)
            {
                await escalation.RecheckAsync(alert.AlertId);
            }
        }
    }
}
