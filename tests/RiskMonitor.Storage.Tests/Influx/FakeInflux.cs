using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text;

namespace RiskMonitor.Storage.Tests.Influx;

/// <summary>One request the writer made, with its body already un-gzipped and split into lines.</summary>
internal sealed record RecordedRequest(
    Uri Uri, IReadOnlyList<string> Lines, bool Gzipped, string? Authorization, HttpStatusCode Answer);

/// <summary>An in-process stand-in for InfluxDB's HTTP API: records writes and answers what the test says.</summary>
internal sealed class FakeInflux : HttpMessageHandler
{
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Decides the status of each write; 204 unless a test says otherwise.</summary>
    public Func<IReadOnlyList<string>, HttpStatusCode> Answer { get; set; } = _ => HttpStatusCode.NoContent;

    public IReadOnlyList<RecordedRequest> Accepted =>
        [.. Requests.Where(r => (int)r.Answer is >= 200 and < 300)];

    /// <summary>The lines InfluxDB took, in the order it took them.</summary>
    public IReadOnlyList<string> AcceptedLines => [.. Accepted.SelectMany(r => r.Lines)];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var gzipped = request.Content?.Headers.ContentEncoding.Contains("gzip") == true;
        if (gzipped)
        {
            using var input = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
            using var output = new MemoryStream();
            await input.CopyToAsync(output, cancellationToken);
            body = output.ToArray();
        }
        var lines = Encoding.UTF8.GetString(body).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var status = Answer(lines);
        Requests.Enqueue(new RecordedRequest(request.RequestUri!, lines, gzipped, request.Headers.Authorization?.ToString(), status));
        var response = new HttpResponseMessage(status) { RequestMessage = request };
        if ((int)status >= 400)
        {
            response.Content = new StringContent("""{"error":"fake failure"}""", Encoding.UTF8, "application/json");
        }
        return response;
    }
}
