using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace RiskMonitor.Storage.Influx;

/// <summary>One bucket of a metric's series: its start and the mean of the readings in it.</summary>
public readonly record struct SeriesPoint(DateTimeOffset At, double Value);

/// <summary>Reads an asset's recent series back from InfluxDB for the on-call page's chart.</summary>
public interface ISeriesReader
{
    Task<IReadOnlyList<SeriesPoint>> ReadAsync(
        string assetId, string metric, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken cancellationToken);
}

/// <summary>Reads an asset's stored readings back whole, oldest first, for a backtest (docs/decisions/0043, 0057).</summary>
public interface ISampleHistory
{
    /// <summary>
    /// Readings in [<paramref name="from"/>, <paramref name="to"/>), at most <paramref name="limit"/>, oldest first, into
    /// <paramref name="block"/> (its previous rows are dropped; the block is reused so that its columns are not reallocated).
    /// <paramref name="fields"/> names the metrics wanted (readings with none of them are left out); null or empty: every one.
    /// </summary>
    Task ReadBlockAsync(
        string assetId, IReadOnlyCollection<string>? fields, DateTimeOffset from, DateTimeOffset to, int limit, SampleBlock block, CancellationToken cancellationToken);
}

/// <summary>
/// InfluxQL over the v1 <c>/query</c> endpoint (served by 1.x, and by 2.x/3.x with a DBRP mapping). Identifiers are
/// checked against the same alphabets as ingestion, so nothing a caller sends is spliced into the query unchecked.
/// </summary>
internal sealed partial class InfluxSeriesReader(InfluxOptions options, HttpClient http) : ISeriesReader, ISampleHistory
{
    private volatile bool _msgPackRefused;

    /// <summary>True once InfluxDB refused a MessagePack answer; every query since asks for JSON.</summary>
    internal bool MessagePackRefused => _msgPackRefused;

    public async Task<IReadOnlyList<SeriesPoint>> ReadAsync(
        string assetId, string metric, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken cancellationToken)
    {
        if (!SafeName().IsMatch(assetId) || !SafeName().IsMatch(metric))
        {
            throw new ArgumentException("Asset ids and metric names are [A-Za-z0-9._-]{1,64}.");
        }

        var stepSeconds = Math.Max(1, (long)step.TotalSeconds);
        var query = string.Create(CultureInfo.InvariantCulture,
            $"SELECT mean(\"{metric}\") FROM \"{options.Measurement}\" WHERE \"asset\" = '{assetId}' " +
            $"AND time >= {from.ToUnixTimeMilliseconds()}ms AND time < {to.ToUnixTimeMilliseconds()}ms " +
            $"GROUP BY time({stepSeconds}s) fill(none)");
        var points = new List<SeriesPoint>();
        using var document = await QueryAsync(query, cancellationToken).ConfigureAwait(false);
        if (Series(document) is { } series)
        {
            foreach (var row in series.GetProperty("values").EnumerateArray())
            {
                if (row[1].ValueKind == JsonValueKind.Number)
                {
                    points.Add(new SeriesPoint(DateTimeOffset.FromUnixTimeMilliseconds(row[0].GetInt64()), row[1].GetDouble()));
                }
            }
        }

        return points;
    }

    public async Task ReadBlockAsync(
        string assetId, IReadOnlyCollection<string>? fields, DateTimeOffset from, DateTimeOffset to, int limit, SampleBlock block, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (!SafeName().IsMatch(assetId) || (fields is not null && !fields.All(SafeName().IsMatch)))
        {
            throw new ArgumentException("Asset ids and metric names are [A-Za-z0-9._-]{1,64}.");
        }

        // Fields and no tags: `*` would also return the asset, kind and region of every row, about half of the JSON a
        // backtest parses (decision 0055). The fields by name when the caller knows them: `*::field` is every field of
        // the measurement, so with several kinds in it each row carries the other kinds' fields as nulls, which made
        // InfluxDB's answer 2.4x the CPU with 16 fields of which the asset has 2 (decision 0067).
        var selected = fields is { Count: > 0 } ? string.Join(",", fields.Order(StringComparer.Ordinal).Select(f => $"\"{f}\"")) : "*::field";
        var query = string.Create(CultureInfo.InvariantCulture,
            $"SELECT {selected} FROM \"{options.Measurement}\" WHERE \"asset\" = '{assetId}' " +
            $"AND time >= {from.ToUnixTimeMilliseconds()}ms AND time < {to.ToUnixTimeMilliseconds()}ms ORDER BY time ASC LIMIT {limit}");
        var started = Stopwatch.GetTimestamp();
        // MessagePack first: InfluxDB 1.x formats it about 1.5x faster than JSON (decision 0063). A server that does not
        // speak it answers JSON (1.x ignores an Accept it does not know), which is read as before; one that refuses it
        // outright is asked again in JSON, and not asked for MessagePack again.
        var askMsgPack = options.QueryMessagePack && !_msgPackRefused;
        using var request = Request(query);
        if (askMsgPack)
        {
            request.Headers.Accept.ParseAdd(InfluxSampleMsgPack.ContentType);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (askMsgPack && response.StatusCode is HttpStatusCode.NotAcceptable or HttpStatusCode.UnsupportedMediaType)
        {
            response.Dispose();
            _msgPackRefused = true;
            using var again = Request(query);
            response = await http.SendAsync(again, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }

        using var answered = response;
        response.EnsureSuccessStatusCode();
        var msgPack = string.Equals(response.Content.Headers.ContentType?.MediaType, InfluxSampleMsgPack.ContentType, StringComparison.OrdinalIgnoreCase);
        // The whole answer first (a chunk is a few hundred KB), then parsed from memory in one pass: the time spent
        // waiting on InfluxDB and the time spent parsing are then two separate figures (docs/decisions/0057).
        var buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
        try
        {
            var length = 0;
            await using (var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false))
            {
                int read;
                while ((read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    length += read;
                    if (length == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                }
            }

            var received = Stopwatch.GetTimestamp();
            if (msgPack)
            {
                InfluxSampleMsgPack.Parse(buffer.AsSpan(0, length), block);
            }
            else
            {
                InfluxSampleJson.Parse(buffer.AsSpan(0, length), block);
            }

            block.QueryTime = Stopwatch.GetElapsedTime(started, received);
            block.ParseTime = Stopwatch.GetElapsedTime(received);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<JsonDocument> QueryAsync(string query, CancellationToken cancellationToken)
    {
        using var request = Request(query);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private HttpRequestMessage Request(string query)
    {
        var url = new Uri(options.Url, $"query?db={Uri.EscapeDataString(options.Database)}&epoch=ms&q={Uri.EscapeDataString(query)}");
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (options.Token is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Token", token);
        }
        else if (options.Username is { Length: > 0 } user)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{options.Password}")));
        }

        return request;
    }

    private static JsonElement? Series(JsonDocument document)
    {
        var result = document.RootElement.GetProperty("results")[0];
        if (result.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException("InfluxDB: " + error.GetString());
        }

        return result.TryGetProperty("series", out var series) ? series[0] : null;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex SafeName();
}
