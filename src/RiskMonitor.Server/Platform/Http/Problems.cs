using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Domain.Access;

namespace RiskMonitor.Server.Platform.Http;

/// <summary>RFC 7807 problem responses (<c>application/problem+json</c>) built the same way everywhere.</summary>
internal static class Problems
{
    public static ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: title);

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: title);

    /// <summary>The 403 of region scope (issue 11): what was refused, and the regions the caller does have.</summary>
    public static ProblemHttpResult OutsideRegions(string what, RegionScope scope) =>
        TypedResults.Problem($"{what} outside your regions ({scope}).", statusCode: StatusCodes.Status403Forbidden, title: "Outside your regions");
}
