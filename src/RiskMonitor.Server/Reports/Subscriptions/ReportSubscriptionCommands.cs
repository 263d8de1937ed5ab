using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Domain.Reports;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.Reports;
using RiskMonitor.Storage.Responsibility;

namespace RiskMonitor.Server.Reports.Subscriptions;

/// <summary>A subscription as sent: text members, so a wrong one is a field error rather than a binding failure.</summary>
/// <param name="Report">circular (the default) or handover (decision 0061: at each shift change, with no period).</param>
internal sealed record ReportSubscriptionRequest(
    string? Id, string? Period, string? Recipient, string? Email, IReadOnlyList<string>? Regions, bool Retired = false, int? Version = null, string? Report = null);

/// <summary>
/// Who receives which circular by e-mail (decision 0056), over <c>/api/reports/subscriptions</c>: validated against the
/// region tree in force, versioned, each change kept with its actor. A region-scoped supervisor manages the
/// subscriptions of its own regions only (a city-wide one would mail it the whole city's figures).
/// </summary>
internal sealed class ReportSubscriptionCommands(
    IReportSubscriptionStore store, ICallerAccess access, Registry.LiveRegistry registry, [FromKeyedServices(ReportsModule.TimeKey)] TimeProvider time)
{
    public async Task<Ok<IReadOnlyList<ReportSubscription>>> ListAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var scope = access.ScopeOf(user);
        var all = await store.ListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<ReportSubscription>>([.. all.Where(s => Covers(scope, s.Regions))]);
    }

    public async Task<Results<Ok<ReportSubscription>, ProblemHttpResult>> GetAsync(string subscriptionId, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        await store.FindAsync(subscriptionId, cancellationToken) is { } found && Covers(access.ScopeOf(user), found.Regions)
            ? TypedResults.Ok(found)
            : Problems.NotFound("Unknown subscription", $"No report subscription '{subscriptionId}'.");

    /// <summary>Creates (<paramref name="subscriptionId"/> null: the body's id, or a new one) or replaces one (the body names the version it read).</summary>
    public async Task<Results<Created<ReportSubscription>, Ok<ReportSubscription>, ValidationProblem, ProblemHttpResult>> SaveAsync(
        string? subscriptionId, ReportSubscriptionRequest? request, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["Send the subscription as JSON."] });
        }

        var errors = new Dictionary<string, string[]>();
        if (subscriptionId is not null && request.Id is not null && request.Id != subscriptionId)
        {
            errors["id"] = ["The body's id is not the one in the path."];
        }

        if (subscriptionId is not null && request.Version is null)
        {
            errors["version"] = ["Name the version you are changing (from GET)."];
        }

        var report = ReportKind.Circular;
        if (request.Report is not null && (int.TryParse(request.Report, out _) || !Enum.TryParse(request.Report, ignoreCase: true, out report) || !Enum.IsDefined(report)))
        {
            errors["report"] = ["One of circular, handover."];
            report = (ReportKind)(-1); // not a kind: the subscription's own check does not then ask for a circular's period
        }

        CircularPeriod? period = null;
        if (request.Period is not null)
        {
            if (int.TryParse(request.Period, out _) || !Enum.TryParse<CircularPeriod>(request.Period, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                errors["period"] = ["One of daily, weekly, monthly, quarterly."];
            }
            else
            {
                period = parsed;
            }
        }

        var id = subscriptionId ?? request.Id ?? "sub-" + Guid.NewGuid().ToString("N")[..12];
        var subscription = new ReportSubscription(
            id, period, request.Recipient?.Trim() ?? "", request.Email?.Trim() ?? "", [.. (request.Regions ?? []).Distinct(StringComparer.Ordinal)],
            time.GetUtcNow(), request.Retired)
        { Report = report };
        var regions = registry.Current.Map.Index;
        foreach (var (field, problems) in subscription.Problems(r => regions.TryGet(r, out _)))
        {
            errors.TryAdd(field, problems);
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var scope = access.ScopeOf(user);
        if (!Covers(scope, subscription.Regions))
        {
            return Problems.OutsideRegions("A report of regions", scope);
        }

        // Only a subscription the caller could see may be replaced: a district cannot take over the city's.
        if (subscriptionId is not null && await store.FindAsync(subscriptionId, cancellationToken) is { } current && !Covers(scope, current.Regions))
        {
            return Problems.NotFound("Unknown subscription", $"No report subscription '{subscriptionId}'.");
        }

        var written = await store.SaveAsync(subscription, subscriptionId is null ? null : request.Version, user.Identity?.Name ?? "unknown", time.GetUtcNow(), cancellationToken);
        return written.Outcome switch
        {
            RegistryWriteOutcome.Saved when subscriptionId is null =>
                TypedResults.Created($"/api/reports/subscriptions/{Uri.EscapeDataString(id)}", await store.FindAsync(id, cancellationToken) ?? subscription with { Version = written.Version }),
            RegistryWriteOutcome.Saved => TypedResults.Ok(await store.FindAsync(id, cancellationToken) ?? subscription with { Version = written.Version }),
            RegistryWriteOutcome.Unknown => Problems.NotFound("Unknown subscription", $"No report subscription '{id}'."),
            RegistryWriteOutcome.Exists => Problems.Conflict("Already exists", $"'{id}' exists (version {written.Version}); change it with PUT and its version."),
            _ => Problems.Conflict("Changed meanwhile", $"'{id}' is at version {written.Version}; read it again and apply your change to that."),
        };
    }

    /// <summary>A city-wide caller sees every subscription; a scoped one those whose every region lies within its scope.</summary>
    private bool Covers(Domain.Access.RegionScope scope, IReadOnlyList<string> regions) =>
        scope.IsCityWide || (regions.Count > 0 && regions.All(r => access.CanSeeRegion(scope, r)));
}
