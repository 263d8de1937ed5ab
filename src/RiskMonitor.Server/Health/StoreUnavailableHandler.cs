using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RiskMonitor.Storage.Alerts.Journal;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Server.Health;

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

/// <summary>
/// Ready reports the system of record truthfully: Degraded (still 200, since this node keeps evaluating and pushing
/// alerts and must stay in service) while alert changes wait in the journal because PostgreSQL does not take them.
/// </summary>
internal sealed class AlertJournalHealthCheck(IServiceProvider services, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var state = services.GetService<AlertJournalState>();
        if (state is null)
        {
            return Task.FromResult(HealthCheckResult.Healthy("no PostgreSQL configured (in-memory stores)"));
        }

        var (degraded, description) = state.Describe(time.GetUtcNow());
        return Task.FromResult(degraded
            ? HealthCheckResult.Degraded(description)
            : HealthCheckResult.Healthy(description));
    }
}
