using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace RiskMonitor.Storage.Influx;

/// <summary>
/// InfluxDB's HTTP API as the writer uses it: the write endpoint (v1 <c>/write</c> or v2 <c>/api/v2/write</c>), ping and
/// <c>CREATE DATABASE</c>. Each call is bounded by <see cref="InfluxOptions.RequestTimeout"/> and its answer classified,
/// so the writer decides only what to do with a batch, never how to talk to InfluxDB.
/// </summary>
internal sealed class InfluxHttpApi
{
    private readonly InfluxOptions _options;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly Uri _writeUri;
    private readonly Uri _queryUri;
    private readonly Uri _pingUri;
    private readonly AuthenticationHeaderValue? _authorization;

    public InfluxHttpApi(InfluxOptions options, HttpClient http, TimeProvider time)
    {
        _options = options;
        _http = http;
        _time = time;
        var root = options.Url.AbsoluteUri.EndsWith('/') ? options.Url : new Uri(options.Url.AbsoluteUri + "/");
        _writeUri = options.ApiVersion == InfluxApiVersion.V2
            ? new Uri(root, $"api/v2/write?org={Uri.EscapeDataString(options.Org ?? "")}"
                + $"&bucket={Uri.EscapeDataString(options.Bucket ?? "")}&precision=ms")
            : new Uri(root, $"write?db={Uri.EscapeDataString(options.Database)}&precision=ms");
        _queryUri = new Uri(root, "query");
        _pingUri = new Uri(root, "ping");
        _authorization = !string.IsNullOrEmpty(options.Token)
            ? new AuthenticationHeaderValue("Token", options.Token)
            : !string.IsNullOrEmpty(options.Username)
                ? new AuthenticationHeaderValue("Basic",
                    Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}")))
                : null;
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _http.GetAsync(_pingUri, linked.Token);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    internal static PostResult Classify(HttpStatusCode status) => (int)status switch
    {
        >= 200 and < 300 => PostResult.Success,
        // Timeouts and throttling pass.
        408 or 429 => PostResult.Transient,
        // Wrong credentials or a missing database/bucket are the operator's to fix, not the batch's fault: refusing
        // every batch as invalid would throw hours of good readings into rejected/.
        401 or 403 or 404 => PostResult.Transient,
        // A batch InfluxDB cannot take (unparsable line, field type conflict, too large) fails the same way every
        // time; retrying it would block everything queued behind it.
        >= 400 and < 500 => PostResult.Invalid,
        _ => PostResult.Transient,
    };

    /// <summary>Creates the configured database (v1); safe to repeat.</summary>
    /// <returns>Null on success, else why not, and whether trying again later can help.</returns>
    public async Task<(string? Failure, bool Retry)> TryCreateDatabaseAsync(CancellationToken stopping)
    {
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, _queryUri)
        {
            // The name is restricted to [A-Za-z0-9._-] by InfluxOptions, so quoting it is enough.
            Content = new FormUrlEncodedContent([new("q", $"CREATE DATABASE \"{_options.Database}\"")]),
        };
        request.Headers.Authorization = _authorization;
        try
        {
            using var response = await _http.SendAsync(request, linked.Token);
            var text = await response.Content.ReadAsStringAsync(linked.Token);
            if (!response.IsSuccessStatusCode)
            {
                // InfluxDB answered and said no (no permission, or a 2.x/3.x without CREATE DATABASE): asking again
                // will not change that. Writes then show whether the database is there.
                var status = (int)response.StatusCode;
                return ($"HTTP {status}: {ErrorText(text)}", status is >= 500 or 408 or 429);
            }
            // InfluxQL reports a failed statement inside a 200 answer.
            return text.Contains("\"error\"", StringComparison.Ordinal) ? (ErrorText(text), false) : (null, false);
        }
        catch (HttpRequestException exception)
        {
            return (exception.Message, true);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return ($"no answer within {_options.RequestTimeout}", true);
        }
    }

    /// <summary>Posts one batch of line protocol (gzipped or not) to the write endpoint.</summary>
    public async Task<PostOutcome> PostAsync(byte[] body, bool gzipped, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        if (gzipped)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, _writeUri) { Content = content };
        request.Headers.Authorization = _authorization;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            if (response.IsSuccessStatusCode)
            {
                return new PostOutcome(PostResult.Success, (int)response.StatusCode, "", null);
            }
            var text = await response.Content.ReadAsStringAsync(linked.Token);
            var status = (int)response.StatusCode;
            return new PostOutcome(Classify(response.StatusCode), status, $"HTTP {status}: {ErrorText(text)}", RetryAfter(response));
        }
        catch (HttpRequestException exception)
        {
            return new PostOutcome(PostResult.Transient, 0, exception.Message, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new PostOutcome(PostResult.Transient, 0, $"no answer within {_options.RequestTimeout}", null);
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - _time.GetUtcNow(),
        _ => null,
    };

    /// <summary>InfluxDB answers errors as <c>{"error":"..."}</c>; the message alone reads better in a log line.</summary>
    private static string ErrorText(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (FindError(json.RootElement) is { } error)
            {
                return error;
            }
        }
        catch (JsonException)
        {
        }
        var trimmed = body.Trim();
        return trimmed.Length <= 500 ? trimmed : trimmed[..500] + "…";
    }

    private static string? FindError(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.NameEquals("error") && property.Value.ValueKind == JsonValueKind.String)
                {
                    return property.Value.GetString();
                }
                if (FindError(property.Value) is { } nested)
                {
                    return nested;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                if (FindError(item) is { } nested)
                {
                    return nested;
                }
            }
        }
        return null;
    }
}

internal enum PostResult
{
    Success,
    Transient,
    Invalid,
}

internal readonly record struct PostOutcome(PostResult Result, int StatusCode, string Reason, TimeSpan? RetryAfter);
