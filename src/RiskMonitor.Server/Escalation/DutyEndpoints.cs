using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Domain.Escalation;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.Duty;

namespace RiskMonitor.Server.Escalation;

/// <summary>The 24 h duty roster (值班表): shifts with the on-duty officer and the leader on duty (带班领导).</summary>
internal static class DutyEndpoints
{
    public static RouteGroupBuilder MapDutyEndpoints(this IEndpointRouteBuilder routes)
    {
        var duty = routes.MapGroup("/api/duty").WithTags("Duty roster");
        duty.MapGet("/now", Now).WithName("OnDutyNow").WithSummary("The shift on duty now: officer and leader, whom escalations reach.");
        duty.MapGet("/shifts", List).WithName("ListShifts").WithSummary("Shifts overlapping [from, to) (default: yesterday to a week ahead).");
        duty.MapPost("/shifts", Add).WithName("AddShift").RequireAuthorization(Policies.Supervise, Policies.CityWide).WithSummary("Puts a shift (at most 24 h, no overlap) on the roster.");
        duty.MapPost("/shifts/{shiftId:long}/cancel", Cancel).WithName("CancelShift").RequireAuthorization(Policies.Supervise, Policies.CityWide)
            .WithSummary("Takes a shift off the roster; it stays recorded as cancelled, with who and when.");
        return duty;
    }

    private static async Task<Results<Ok<DutyShift>, ProblemHttpResult>> Now(IDutyRoster roster, TimeProvider time, CancellationToken cancellationToken) =>
        await roster.OnDutyAsync(time.GetUtcNow(), cancellationToken) is { } shift
            ? TypedResults.Ok(shift)
            : Problems.NotFound("Nobody on duty", "The roster has no shift for this moment: escalations reach the duty roles without a name.");

    private static async Task<Ok<IReadOnlyList<DutyShift>>> List(
        IDutyRoster roster, TimeProvider time, CancellationToken cancellationToken, DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        var now = time.GetUtcNow();
        return TypedResults.Ok(await roster.ListAsync(from ?? now.AddDays(-1), to ?? now.AddDays(7), cancellationToken));
    }

    private static async Task<Results<Created<DutyShift>, ValidationProblem, ProblemHttpResult>> Add(
        ShiftRequest request, IDutyRoster roster, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Actor))
        {
            errors[nameof(request.Actor)] = ["Name the person editing the roster."];
        }

        var shift = new DutyShift(0, request.StartsAt, request.EndsAt, request.Officer?.Trim() ?? "", request.OfficerPhone, request.Leader?.Trim() ?? "", request.LeaderPhone);
        if (shift.Problem() is { } problem)
        {
            errors["shift"] = [problem];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return await roster.AddAsync(shift, request.Actor!, cancellationToken) is { } added
            ? TypedResults.Created($"/api/duty/shifts/{added.ShiftId}", added)
            : Problems.Conflict("Shifts overlap", "Another shift covers part of this time; cancel it first.");
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Cancel(
        long shiftId, CancelShiftRequest request, IDutyRoster roster, TimeProvider time, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Actor))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [nameof(request.Actor)] = ["Name the person editing the roster."] });
        }

        return await roster.CancelAsync(shiftId, request.Actor, time.GetUtcNow(), cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound("Unknown shift", $"No shift {shiftId} on the roster.");
    }
}

internal sealed record ShiftRequest(
    DateTimeOffset StartsAt, DateTimeOffset EndsAt, string? Officer, string? OfficerPhone, string? Leader, string? LeaderPhone, string? Actor) : IAttributedRequest
{
    public IAttributedRequest AttributedTo(string actor) => this with { Actor = actor };
}

internal sealed record CancelShiftRequest(string? Actor) : IAttributedRequest
{
    public IAttributedRequest AttributedTo(string actor) => this with { Actor = actor };
}
