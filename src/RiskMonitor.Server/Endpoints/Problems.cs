using Microsoft.AspNetCore.Mvc;

namespace RiskMonitor.Server.Endpoints;

/// <summary>RFC 7807 problem details built the same way everywhere.</summary>
internal static class Problems
{
    public static ProblemDetails NotFound(string title, string detail) =>
        new() { Status = StatusCodes.Status404NotFound, Title = title, Detail = detail, Type = "https://tools.ietf.org/html/rfc9110#section-15.5.5" };

    public static ProblemDetails Conflict(string title, string detail) =>
        new() { Status = StatusCodes.Status409Conflict, Title = title, Detail = detail, Type = "https://tools.ietf.org/html/rfc9110#section-15.5.10" };
}
