using Microsoft.AspNetCore.Http.HttpResults;

namespace RiskMonitor.Server.Endpoints;

/// <summary>RFC 7807 problem responses (<c>application/problem+json</c>) built the same way everywhere.</summary>
internal static class Problems
{
    public static ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: title);

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: title);
}
