using System.Threading.Channels;
using RiskMonitor.Contracts.Access;

namespace RiskMonitor.Server.Platform.Security;

/// <summary>
/// Records every write request (and every refused request) in the audit trail: who, with which roles, what, from
/// where, with what outcome. The request does not wait for the database: records queue (bounded, 10,000) and a
/// background loop writes them in batches, retrying while PostgreSQL is away; the domain ledgers already hold each
/// step's actor in the step's own transaction, so this trail is the cross-cutting "who touched what" record.
/// </summary>
internal sealed class AuditTrailWriter(IAuditTrail trail, TimeProvider time, ILogger<AuditTrailWriter> logger) : BackgroundService
{
    private const int Capacity = 10_000;
    private readonly Channel<AuditRecord> _queue = Channel.CreateBounded<AuditRecord>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>An endpoint that sets this item has its reads kept too (who read a tip-line caller's contact).</summary>
    public const string AuditedReadKey = "rm.audit.read";

    /// <summary>Middleware: after the response is decided, keep a record of writes and refusals under <c>/api</c>.</summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            await next(context);
        }
        finally
        {
            var request = context.Request;
            var status = context.Response.StatusCode;
            var isWrite = !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method));
            var refused = status is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden;
            var auditedRead = context.Items.ContainsKey(AuditedReadKey);
            if (request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) && (isWrite || refused || auditedRead))
            {
                Record(context, status);
            }
        }
    }

    private void Record(HttpContext context, int status)
    {
        var user = context.User;
        var actor = user.Identity?.IsAuthenticated == true ? user.Identity.Name ?? "unnamed" : AnonymousActor(context, status);
        var record = new AuditRecord(
            time.GetUtcNow(), Truncate(actor, 200), string.Join(',', AccessControl.RoleNames(user).Distinct()), context.Request.Method,
            Truncate(context.Request.Path.Value ?? "/", 500), status, context.Connection.RemoteIpAddress?.ToString(), user.Identity?.AuthenticationType);
        if (!_queue.Writer.TryWrite(record))
        {
            SecurityLog.AuditDropped(logger, record.Method, record.Path, record.Actor);
        }
    }

    /// <summary>
    /// A sign-in names the account (the token endpoint leaves it here): as the actor when it succeeded, as an unproven
    /// <c>anonymous:{name}</c> when it was refused. Anything else without a token is <c>anonymous</c>.
    /// </summary>
    private static string AnonymousActor(HttpContext context, int status) =>
        context.Items.TryGetValue(AttemptedNameKey, out var name) && name is string attempted
            ? (status < 400 ? attempted : "anonymous:" + attempted)
            : "anonymous";

    /// <summary>The <see cref="HttpContext.Items"/> key under which the token endpoint leaves the name it was asked for.</summary>
    public const string AttemptedNameKey = "rm.audit.attempted-name";

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AuditRecord>();
        var delay = TimeSpan.FromMilliseconds(200);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < 500 && _queue.Reader.TryRead(out var record))
                {
                    batch.Add(record);
                }

                await WriteAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: one last attempt for what is queued, without waiting on a database that is away.
            while (_queue.Reader.TryRead(out var record))
            {
                batch.Add(record);
            }

            if (batch.Count > 0)
            {
                try
                {
                    await trail.AppendAsync(batch, CancellationToken.None);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    SecurityLog.AuditWriteFailed(logger, ex, batch.Count);
                }
            }
        }

        async Task WriteAsync(List<AuditRecord> pending, CancellationToken ct)
        {
            while (true)
            {
                try
                {
                    await trail.AppendAsync(pending, ct);
                    pending.Clear();
                    delay = TimeSpan.FromMilliseconds(200);
                    return;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Keep the batch and back off: the trail must not lose records to a PostgreSQL restart.
                    SecurityLog.AuditWriteFailed(logger, ex, pending.Count);
                    await Task.Delay(delay, time, ct);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
                }
            }
        }
    }
}
