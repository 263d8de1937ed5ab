using System.Net;
using Microsoft.Extensions.Time.Testing;
using RiskMonitor.Storage.Influx;

namespace RiskMonitor.Storage.Tests.Influx;

/// <summary>The writer against an in-process fake of InfluxDB's HTTP API: batching, ordering, spool, rejection.</summary>
public sealed class InfluxReadingWriterTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FakeInflux _influx = new();
    private readonly TestLogger<InfluxReadingWriter> _logger = new();
    private readonly HttpClient _http;

    public InfluxReadingWriterTests() => _http = new HttpClient(_influx);

    public void Dispose()
    {
        _http.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_full_batch_is_sent_at_once_and_the_rest_is_flushed_on_shutdown()
    {
        await using var writer = Start(o => (o.BatchSize, o.FlushInterval) = (10, TimeSpan.FromMinutes(1)));

        await WriteNumbered(writer, 0, 25);
        await Readings.Until(() => _influx.Requests.Count == 2, "two full batches");
        await writer.DisposeAsync();

        Assert.Equal([10, 10, 5], _influx.Requests.Select(r => r.Lines.Count));
        Assert.Equal(Enumerable.Range(0, 25), _influx.AcceptedLines.Select(Readings.ValueOf));
        Assert.Equal(25, writer.GetStats().Written);
    }

    [Fact]
    public async Task A_batch_that_is_not_full_is_sent_once_the_flush_interval_has_passed()
    {
        var time = new FakeTimeProvider(Readings.T0);
        await using var writer = Start(o => (o.BatchSize, o.FlushInterval) = (1000, TimeSpan.FromSeconds(1)), time);

        await WriteNumbered(writer, 0, 3);
        await Task.Delay(50, TestContext.Current.CancellationToken);
        var sentBeforeTheInterval = _influx.Requests.Count;
        await Readings.Until(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
            return _influx.Requests.Count == 1;
        }, "the interval flush");

        Assert.Equal(0, sentBeforeTheInterval);
        Assert.Equal(3, _influx.Requests.Single().Lines.Count);
    }

    [Fact]
    public async Task While_InfluxDB_answers_503_batches_queue_on_disk_and_arrive_later_in_the_order_they_were_written()
    {
        var down = true;
        _influx.Answer = _ => down ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.NoContent;
        await using var writer = Start(o => o.BatchSize = 5);

        await WriteNumbered(writer, 0, 50);
        await Readings.Until(() => writer.GetStats().SpooledPoints == 50, "all 50 readings spooled");
        var whileDown = writer.GetStats();
        down = false;
        await WriteNumbered(writer, 50, 50);
        await Readings.Until(() => writer.GetStats().Written == 100, "all 100 readings written");

        Assert.True(whileDown.Spooling);
        Assert.True(whileDown.SpooledFiles >= 2);
        Assert.Equal(Enumerable.Range(0, 100), _influx.AcceptedLines.Select(Readings.ValueOf));
        var after = writer.GetStats();
        Assert.False(after.Spooling);
        Assert.InRange(after.Replayed, 50, 100); // the later 50 queue behind the spool if it has not drained yet
        Assert.Empty(Directory.GetFiles(_folder.Spool));
        Assert.True(_logger.Logged(3003));
        Assert.True(_logger.Logged(3005));
    }

    [Fact]
    public async Task A_batch_InfluxDB_refuses_as_invalid_is_set_aside_and_later_batches_still_arrive()
    {
        _influx.Answer = lines => lines.Any(l => l.Contains("asset=bad", StringComparison.Ordinal))
            ? HttpStatusCode.BadRequest : HttpStatusCode.NoContent;
        await using var writer = Start(o => o.BatchSize = 1);

        await writer.WriteAsync(Readings.Numbered(0, assetId: "bad"), TestContext.Current.CancellationToken);
        await WriteNumbered(writer, 1, 3);
        await Readings.Until(() => writer.GetStats().Written == 3, "the good readings");

        var stats = writer.GetStats();
        Assert.Equal(1, stats.Rejected);
        Assert.False(stats.Spooling);
        Assert.Single(Directory.GetFiles(_folder.Rejected, "*.lp.gz"));
        Assert.Contains(_logger.Entries, e => e.EventId.Id == 3008 && e.Message.Contains("fake failure", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refused_batch_in_the_spool_is_set_aside_and_the_rest_of_the_spool_is_replayed()
    {
        var down = true;
        _influx.Answer = lines => down ? HttpStatusCode.ServiceUnavailable
            : lines.Any(l => l.Contains("asset=bad", StringComparison.Ordinal)) ? HttpStatusCode.BadRequest
            : HttpStatusCode.NoContent;
        await using var writer = Start(o => o.BatchSize = 1);

        await WriteNumbered(writer, 0, 2);
        await writer.WriteAsync(Readings.Numbered(2, assetId: "bad"), TestContext.Current.CancellationToken);
        await WriteNumbered(writer, 3, 2);
        await Readings.Until(() => writer.GetStats().SpooledPoints == 5, "five spooled readings");
        down = false;
        await Readings.Until(() => !writer.GetStats().Spooling, "the spool to drain");

        Assert.Equal([0, 1, 3, 4], _influx.AcceptedLines.Select(Readings.ValueOf));
        Assert.Equal(1, writer.GetStats().Rejected);
        Assert.Single(Directory.GetFiles(_folder.Rejected, "*.lp.gz"));
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.InternalServerError)]
    public async Task A_missing_database_bad_credentials_throttling_or_a_server_error_is_retried_not_rejected(
        HttpStatusCode failure)
    {
        var failuresLeft = 3;
        _influx.Answer = _ => Interlocked.Decrement(ref failuresLeft) >= 0 ? failure : HttpStatusCode.NoContent;
        await using var writer = Start(o => o.BatchSize = 2);

        await WriteNumbered(writer, 0, 6);
        await Readings.Until(() => writer.GetStats().Written == 6, "all readings written");

        var stats = writer.GetStats();
        Assert.Equal(0, stats.Rejected);
        Assert.Equal(3, stats.FailedAttempts);
        Assert.Equal(Enumerable.Range(0, 6), _influx.AcceptedLines.Select(Readings.ValueOf));
    }

    [Fact]
    public async Task Shutdown_while_InfluxDB_is_down_puts_the_buffered_readings_in_the_spool_for_the_next_start()
    {
        _influx.Answer = _ => HttpStatusCode.ServiceUnavailable;
        var first = Start(o => (o.BatchSize, o.FlushInterval) = (100, TimeSpan.FromMinutes(1)));
        await WriteNumbered(first, 0, 7);

        await first.DisposeAsync();
        var spooled = first.GetStats();
        _influx.Answer = _ => HttpStatusCode.NoContent;
        await using var second = Start();
        await Readings.Until(() => second.GetStats().Written == 7, "the spooled readings replayed");

        Assert.Equal(7, spooled.SpooledPoints);
        Assert.Equal(0, spooled.Written);
        Assert.Equal(7, second.GetStats().Replayed);
        Assert.Equal(Enumerable.Range(0, 7), _influx.AcceptedLines.Select(Readings.ValueOf));
    }

    [Fact]
    public async Task When_the_spool_is_full_new_readings_are_dropped_counted_and_logged_as_an_error()
    {
        _influx.Answer = _ => HttpStatusCode.ServiceUnavailable;
        await using var writer = Start(o => (o.BatchSize, o.MaxSpoolBytes) = (10, 600));

        await WriteNumbered(writer, 0, 500);
        await writer.DisposeAsync();

        var stats = writer.GetStats();
        Assert.True(stats.Dropped > 0);
        Assert.True(stats.SpooledBytes <= 600);
        Assert.Equal(stats.Accepted, stats.Dropped + stats.SpooledPoints);
        Assert.Contains(_logger.Entries, e => e.EventId.Id == 3006 && e.Level == Microsoft.Extensions.Logging.LogLevel.Error);
    }

    [Fact]
    public async Task Readings_with_no_finite_value_are_skipped_and_counted()
    {
        await using var writer = Start();

        await writer.WriteAsync(Readings.Methane("gp-1", "grid-1", Readings.T0, double.NaN, double.NegativeInfinity),
            TestContext.Current.CancellationToken);

        var stats = writer.GetStats();
        Assert.Equal(1, stats.Skipped);
        Assert.Equal(0, stats.Accepted);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Bodies_are_gzip_encoded_only_when_configured(bool gzip)
    {
        await using var writer = Start(o => o.Gzip = gzip);

        await WriteNumbered(writer, 0, 3);
        await Readings.Until(() => writer.GetStats().Written == 3, "the batch");

        Assert.All(_influx.Requests, r => Assert.Equal(gzip, r.Gzipped));
    }

    [Fact]
    public async Task The_v1_api_posts_to_write_with_the_database_and_millisecond_precision()
    {
        await using var writer = Start(o => (o.Database, o.Username, o.Password) = ("city", "rm", "secret"));

        await WriteNumbered(writer, 0, 1);
        await Readings.Until(() => writer.GetStats().Written == 1, "the batch");

        var request = _influx.Requests.Single();
        Assert.Equal("/write?db=city&precision=ms", request.Uri.PathAndQuery);
        Assert.Equal("Basic cm06c2VjcmV0", request.Authorization);
    }

    [Fact]
    public async Task The_v2_api_posts_to_api_v2_write_with_org_bucket_and_token()
    {
        await using var writer = Start(o =>
        {
            o.ApiVersion = InfluxApiVersion.V2;
            (o.Org, o.Bucket, o.Token) = ("city ops", "risk", "t0ken");
        });

        await WriteNumbered(writer, 0, 1);
        await Readings.Until(() => writer.GetStats().Written == 1, "the batch");

        var request = _influx.Requests.Single();
        Assert.Equal("/api/v2/write?org=city%20ops&bucket=risk&precision=ms", request.Uri.PathAndQuery);
        Assert.Equal("Token t0ken", request.Authorization);
    }

    [Theory]
    [InlineData(204, "Success")]
    [InlineData(400, "Invalid")]
    [InlineData(413, "Invalid")]
    [InlineData(422, "Invalid")]
    [InlineData(401, "Transient")]
    [InlineData(403, "Transient")]
    [InlineData(404, "Transient")]
    [InlineData(408, "Transient")]
    [InlineData(429, "Transient")]
    [InlineData(500, "Transient")]
    [InlineData(503, "Transient")]
    public void Only_a_4xx_that_blames_the_batch_counts_as_invalid(int status, string expected)
    {
        var result = InfluxHttpApi.Classify((HttpStatusCode)status);

        Assert.Equal(expected, result.ToString());
    }

    [Theory]
    [InlineData(1, 0.0, 250)]
    [InlineData(1, 1.0, 500)]
    [InlineData(3, 0.0, 1000)]
    [InlineData(3, 1.0, 2000)]
    [InlineData(30, 0.0, 15_000)]
    [InlineData(30, 1.0, 30_000)]
    public void The_retry_delay_doubles_per_failure_up_to_the_maximum_with_up_to_half_of_it_random(
        int failures, double random, int expectedMs)
    {
        var delay = InfluxBackoff.Delay(failures, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(30), random);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), delay);
    }

    [Fact]
    public async Task With_await_stored_a_caller_waits_until_its_points_are_posted_and_the_marker_is_never_sent()
    {
        var time = new FakeTimeProvider(Readings.T0);
        await using var writer = Start(o => (o.BatchSize, o.FlushInterval, o.AwaitStored) = (1000, TimeSpan.FromSeconds(1), true), time);

        await WriteNumbered(writer, 0, 3);
        var stored = writer.WhenStoredAsync(TestContext.Current.CancellationToken).AsTask();
        await Task.Delay(100, TestContext.Current.CancellationToken);
        var waitedBeforeTheFlush = !stored.IsCompleted;
        await Readings.Until(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
            return stored.IsCompleted;
        }, "the barrier after the interval flush");

        Assert.True(waitedBeforeTheFlush);
        Assert.Equal(Enumerable.Range(0, 3), _influx.AcceptedLines.Select(Readings.ValueOf));
        Assert.Equal(3, writer.GetStats().Written);
    }

    [Fact]
    public async Task With_await_stored_a_caller_whose_points_went_to_the_spool_is_released_too()
    {
        _influx.Answer = _ => HttpStatusCode.ServiceUnavailable;
        await using var writer = Start(o => o.AwaitStored = true);

        await WriteNumbered(writer, 0, 5);
        await writer.WhenStoredAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(5, writer.GetStats().SpooledPoints);
    }

    [Fact]
    public async Task Without_await_stored_the_barrier_does_not_wait()
    {
        await using var writer = Start(o => o.FlushInterval = TimeSpan.FromMinutes(1));

        await WriteNumbered(writer, 0, 3);

        Assert.True(writer.WhenStoredAsync(TestContext.Current.CancellationToken).IsCompleted);
    }

    private InfluxReadingWriter Start(Action<InfluxOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new InfluxOptions
        {
            Url = new Uri("http://influx.test:8086"),
            SpoolDirectory = _folder.Spool,
            CreateDatabase = false,
            BatchSize = 10,
            FlushInterval = TimeSpan.FromMilliseconds(20),
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryDelay = TimeSpan.FromMilliseconds(100),
        };
        configure?.Invoke(options);
        var writer = new InfluxReadingWriter(options, _http, time ?? TimeProvider.System, _logger);
        writer.Start();
        return writer;
    }

    private static async Task WriteNumbered(InfluxReadingWriter writer, int first, int count)
    {
        for (var i = first; i < first + count; i++)
        {
            await writer.WriteAsync(Readings.Numbered(i), TestContext.Current.CancellationToken);
        }
    }
}
