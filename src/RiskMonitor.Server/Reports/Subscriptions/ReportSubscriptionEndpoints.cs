using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Domain.Reports;
using RiskMonitor.Server.Platform.Security;

namespace RiskMonitor.Server.Reports.Subscriptions;

/// <summary>Scheduled reports by e-mail (issue 20 item 6, decision 0056): who receives which circular.</summary>
internal static class ReportSubscriptionEndpoints
{
    public static IEndpointRouteBuilder MapReportSubscriptionEndpoints(this IEndpointRouteBuilder routes)
    {
        // Supervisors and admins only, reads included: a subscription holds a person's e-mail address.
        var group = routes.MapGroup("/api/reports/subscriptions").WithTags("Reports").RequireAuthorization(Policies.Supervise);
        group.MapGet("/", List).WithName("ListReportSubscriptions").WithSummary("Who receives which circular by e-mail, for which regions.");
        group.MapGet("/{subscriptionId}", Get).WithName("GetReportSubscription");
        group.MapPost("/", Create).WithName("CreateReportSubscription")
            .WithSummary("Subscribes a person (recipient, email) to the daily|weekly|monthly|quarterly circular of some regions (none: the city); each period that ends after this is mailed once, as PDF and .xlsx. report=handover (no period): the shift handover, mailed once at each shift change of the duty roster (or Circulars:HandoverTimes) as a printable page.");
        group.MapPut("/{subscriptionId}", Update).WithName("UpdateReportSubscription")
            .WithSummary("Replaces a subscription (version: the one read); retired: true stops it.");
        return routes;
    }

    private static Task<Ok<IReadOnlyList<ReportSubscription>>> List(ReportSubscriptionCommands commands, ClaimsPrincipal user, CancellationToken ct) =>
        commands.ListAsync(user, ct);

    private static Task<Results<Ok<ReportSubscription>, ProblemHttpResult>> Get(string subscriptionId, ReportSubscriptionCommands commands, ClaimsPrincipal user, CancellationToken ct) =>
        commands.GetAsync(subscriptionId, user, ct);

    private static Task<Results<Created<ReportSubscription>, Ok<ReportSubscription>, ValidationProblem, ProblemHttpResult>> Create(
        ReportSubscriptionRequest request, ReportSubscriptionCommands commands, ClaimsPrincipal user, CancellationToken ct) =>
        commands.SaveAsync(null, request, user, ct);

    private static Task<Results<Created<ReportSubscription>, Ok<ReportSubscription>, ValidationProblem, ProblemHttpResult>> Update(
        string subscriptionId, ReportSubscriptionRequest request, ReportSubscriptionCommands commands, ClaimsPrincipal user, CancellationToken ct) =>
        commands.SaveAsync(subscriptionId, request, user, ct);
}
