using Microsoft.AspNetCore.Diagnostics;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Server.Platform.Http;

/// <summary>
/// A request that needs PostgreSQL while it is down or frozen answers 503 with a problem that says so, instead of a
/// bare 500: the client (and the person at it) can tell "retry shortly" from a bug. Alert steps (acknowledge, assign,
/// resolve, close) do not need PostgreSQL to be up: they go through the alert journal like the rules' changes.
/// </summary>
internal sealed class StoreUnavailableHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!StoreFailures.IsUnavailable(exception) || httpContext.Response.HasStarted)
        {
            return false;
        }

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The system of record is unavailable",
                Detail = "PostgreSQL does not answer, so this request cannot be served now; retry shortly. Alerts are still evaluated " +
                    "and pushed, alert steps are journalled, and the ledger catches up when PostgreSQL is back.",
            },
        });
    }
}
