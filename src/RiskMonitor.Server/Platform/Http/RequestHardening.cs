using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;

namespace RiskMonitor.Server.Platform.Http;

/// <summary>
/// Request limits that need no identity (issue 11, hostile input; docs/decisions/0023 and the README): a body size
/// cap, a per-client rate limit on the public write endpoints with 429 problem details, and strict JSON binding.
/// </summary>
internal sealed class RequestHardeningOptions
{
    public const string SectionName = "Http";

    /// <summary>Largest request body Kestrel accepts (413 above). The API's bodies are small JSON documents.</summary>
    [Range(1024, 1L << 30)] public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Longest request target (path and query) answered; longer ones get 414 problem details (issue 24 row 9). Kestrel's
    /// own limit is set to four times this, so that only absurd requests get Kestrel's bare answer.
    /// </summary>
    [Range(256, 1 << 20)] public int MaxRequestTargetBytes { get; set; } = 8 * 1024;

    /// <summary>Largest total of request headers answered; more gets 431 problem details. Kestrel's limit is four times this.</summary>
    [Range(1024, 1 << 22)] public int MaxRequestHeadersBytes { get; set; } = 32 * 1024;

    /// <summary>Requests per minute one client address may make to each public write endpoint.</summary>
    [Range(1, 1_000_000)] public int PublicWritePermitsPerMinute { get; set; } = 60;

    /// <summary>
    /// Endpoints (method and path) that anyone may call and that write, so they are rate-limited per client address:
    /// the 12350 tip line, device provisioning (whose admin key must not be guessed at speed) and sign-in (whose
    /// passwords must not be either).
    /// </summary>
    public List<string> PublicWriteEndpoints { get; set; } = ["POST /api/hazards/tip-line", "POST /api/devices", "POST /api/auth/token"];
}

internal static class RequestHardening
{
    public static WebApplicationBuilder AddRequestHardening(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<RequestHardeningOptions>().BindConfiguration(RequestHardeningOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(RequestHardeningOptions.SectionName).Get<RequestHardeningOptions>() ?? new RequestHardeningOptions();
        // Kestrel's default is 30 MB; nothing here needs more than a few KiB, and a big body costs memory before any
        // validation can refuse it.
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            // Kestrel answers its own limits with a bare status and no body, before any middleware runs; so its limits sit
            // above ours (UseRequestSizeLimits answers with problem details) and stay only as the hard ceiling.
            kestrel.Limits.MaxRequestLineSize = options.MaxRequestTargetBytes * 4;
            kestrel.Limits.MaxRequestHeadersTotalSize = options.MaxRequestHeadersBytes * 4;
        });

        // Strict binding: a request body with a member the API does not know is refused (400) instead of silently
        // ignored, so that a misspelt "asignee" or an injected "role" cannot pass unnoticed. JsonElement bodies and
        // response writing are not affected.
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow);

        var endpoints = options.PublicWriteEndpoints
            .Select(e => e.Split(' ', 2, StringSplitOptions.TrimEntries))
            .Where(p => p.Length == 2)
            // Routing ignores case, so the limit must too: /API/hazards/tip-line is the same endpoint.
            .Select(p => (Method: p[0].ToUpperInvariant(), Path: p[1].TrimEnd('/').ToLowerInvariant()))
            .ToHashSet();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var key = (context.Request.Method.ToUpperInvariant(), context.Request.Path.Value?.TrimEnd('/').ToLowerInvariant() ?? string.Empty);
                if (!endpoints.Contains(key))
                {
                    return RateLimitPartition.GetNoLimiter(string.Empty);
                }

                // One window per client address and endpoint: a flood from one source cannot starve the others.
                var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetFixedWindowLimiter($"{client} {key.Item1} {key.Item2}", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.PublicWritePermitsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                HardeningLog.RateLimited(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RequestHardening)),
                    http.Request.Method, http.Request.Path.Value ?? string.Empty, http.Connection.RemoteIpAddress?.ToString());
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = $"At most {options.PublicWritePermitsPerMinute} requests a minute to this endpoint from one client; try again later.",
                    },
                });
            };
        });
        return builder;
    }

    /// <summary>
    /// 414 and 431 with problem details (issue 24 row 9) for a request target or headers over the limits, before
    /// anything else reads them. First in the pipeline after the security headers.
    /// </summary>
    public static WebApplication UseRequestSizeLimits(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<RequestHardeningOptions>>().Value;
        app.Use((context, next) =>
        {
            var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget?.Length ?? 0;
            if (target > options.MaxRequestTargetBytes)
            {
                return RefuseAsync(context, StatusCodes.Status414UriTooLong, "Request target too long",
                    $"The path and query may be at most {options.MaxRequestTargetBytes} bytes.");
            }

            return HeadersBytes(context.Request.Headers) > options.MaxRequestHeadersBytes
                ? RefuseAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge, "Request headers too large",
                    $"The request headers may be at most {options.MaxRequestHeadersBytes} bytes in all.")
                : next(context);
        });
        return app;
    }

    /// <summary>After the exception handler and status code pages, so that a refusal is a problem document too.</summary>
    public static WebApplication UseRequestHardening(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseRateLimiter();
        return app;
    }

    // Name, ": ", value and CRLF of each header line, as they came over HTTP/1.1 (HTTP/2 and 3 compress, but the
    // decoded size is what costs memory).
    private static long HeadersBytes(IHeaderDictionary headers)
    {
        long total = 0;
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                total += name.Length + (value?.Length ?? 0) + 4;
            }
        }

        return total;
    }

    private static async Task RefuseAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}

internal static partial class HardeningLog
{
    [LoggerMessage(EventId = 4320, Level = LogLevel.Warning, Message = "Rate limit: refused {Method} {Path} from {Client}")]
    public static partial void RateLimited(ILogger logger, string method, string path, string? client);
}
