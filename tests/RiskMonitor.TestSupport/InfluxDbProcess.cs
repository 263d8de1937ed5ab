using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace RiskMonitor.TestSupport;

/// <summary>
/// A private InfluxDB 1.x (<c>/usr/bin/influxd</c>) for one test or fixture: its own temporary directory and loopback
/// ports. <see cref="StopAsync"/> kills it the hard way (an outage, not a clean shutdown); <see cref="StartAsync"/>
/// brings it back on the same ports and data.
/// </summary>
public sealed class InfluxDbProcess : IAsyncDisposable
{
    public const string InfluxdPath = "/usr/bin/influxd";

    // influxd runs under a small shell that kills it when this process is gone, even after a SIGKILL of the test
    // host, where no .NET exit handler runs. $1 influxd, $2 config file, $3 our pid, $4 "idle" to start it as run.sh
    // does: in a session of its own whose autogroup is at nice 19, under SCHED_IDLE (setsid, sh and chrt each exec the
    // next, so the child is still influxd itself; decisions 0065, 0066).
    private const string Watchdog = """
        if [ "$4" = idle ]; then
          setsid sh -c 'echo 19 > /proc/self/autogroup 2>/dev/null; exec chrt --idle 0 "$0" -config "$1"' "$1" "$2" &
        else
          "$1" -config "$2" &
        fi
        child=$!
        trap 'kill -KILL $child 2>/dev/null; exit 0' TERM INT HUP
        while kill -0 "$3" 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 0.5; done
        kill -KILL $child 2>/dev/null
        wait $child
        """;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90); // ends at the first /ping; generous for a busy machine

    private readonly HttpClient _http;
    private readonly ConcurrentQueue<string> _recentLog = new();
    private readonly Lock _gate = new();
    private Process? _process;
    private bool _disposed;

    public InfluxDbProcess()
    {
        HttpPort = FreePort.Next();
        RpcPort = FreePort.Next();
        RootDirectory = Directory.CreateTempSubdirectory("riskmonitor-influx-").FullName;
        ConfigPath = Path.Combine(RootDirectory, "influxdb.conf");
        Url = new Uri($"http://127.0.0.1:{HttpPort.ToString(CultureInfo.InvariantCulture)}/");
        _http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(30) };
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>The HTTP API, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri Url { get; }

    public int HttpPort { get; }

    public int RpcPort { get; }

    /// <summary>The temporary directory holding the config, data, meta and wal folders; deleted on dispose.</summary>
    public string RootDirectory { get; }

    public string ConfigPath { get; }

    /// <summary>
    /// Start influxd under <c>SCHED_IDLE</c>, below every normal thread of the machine, as <c>run.sh</c> does
    /// (docs/decisions/0065): the load harness measures what run.sh starts. Off for the tests.
    /// </summary>
    public bool IdlePriority { get; init; }

    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _process is { HasExited: false };
            }
        }
    }

    /// <summary>
    /// The influxd process itself (the child of the watchdog shell), or null when it is not running: the load harness
    /// freezes it with SIGSTOP and reads its CPU time.
    /// </summary>
    public int? InfluxdPid
    {
        get
        {
            int shell;
            lock (_gate)
            {
                if (_process is not { HasExited: false } process)
                {
                    return null;
                }

                shell = process.Id;
            }

            try
            {
                // The shell's other children are its short sleeps, so pick influxd by name.
                foreach (var child in File.ReadAllText($"/proc/{shell}/task/{shell}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (File.Exists($"/proc/{child}/comm") && File.ReadAllText($"/proc/{child}/comm").Trim() == "influxd")
                    {
                        return int.Parse(child, CultureInfo.InvariantCulture);
                    }
                }

                return null;
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    /// <summary>The last lines influxd wrote, for failure messages.</summary>
    public string RecentLog => string.Join(Environment.NewLine, _recentLog);

    /// <summary>Starts influxd (or restarts it on the same ports and data) and waits until <c>/ping</c> answers 204.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!File.Exists(InfluxdPath))
        {
            throw new InvalidOperationException(
                $"{InfluxdPath} is missing: InfluxDB 1.x is needed by the storage tests; run ./test.sh, which installs influxdb.");
        }
        if (IsRunning)
        {
            return;
        }

        await File.WriteAllTextAsync(ConfigPath, ConfigText(), cancellationToken);
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RootDirectory,
        };
        foreach (var argument in new[] { "-c", Watchdog, "influxd-watchdog", InfluxdPath, ConfigPath,
            Environment.ProcessId.ToString(CultureInfo.InvariantCulture), IdlePriority ? "idle" : "normal" })
        {
            start.ArgumentList.Add(argument);
        }
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => Remember(line.Data);
        process.ErrorDataReceived += (_, line) => Remember(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (_gate)
        {
            _process = process;
        }

        try
        {
            await WaitForPingAsync(process, cancellationToken);
        }
        catch
        {
            await StopAsync(CancellationToken.None);
            throw;
        }
    }

    /// <summary>Kills influxd (SIGKILL: what a crash or a lost host looks like to the writer). Data written stays.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        Process? process;
        lock (_gate)
        {
            process = _process;
            _process = null;
        }
        if (process is null)
        {
            return;
        }
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            await process.WaitForExitAsync(cancellationToken);
        }
        finally
        {
            process.Dispose();
        }
    }

    public async Task CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        await QueryCoreAsync(null, $"CREATE DATABASE \"{name}\"", cancellationToken);
    }

    /// <summary>
    /// Writes line protocol with millisecond timestamps into <paramref name="database"/>. Throws unless InfluxDB answers
    /// 204 No Content, its answer to a write it took whole.
    /// </summary>
    public async Task WriteLinesAsync(string database, string lines, CancellationToken cancellationToken = default)
    {
        using var content = new StringContent(lines, Encoding.UTF8);
        using var written = await _http.PostAsync($"write?db={Uri.EscapeDataString(database)}&precision=ms", content, cancellationToken);
        if (written.StatusCode != HttpStatusCode.NoContent)
        {
            throw new InvalidOperationException(
                $"InfluxDB answered the write with {(int)written.StatusCode}: {await written.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    /// <summary>Runs InfluxQL and returns the series of its (first) statement. Throws on an error answer.</summary>
    public async Task<IReadOnlyList<InfluxSeries>> QueryAsync(
        string database, string influxql, CancellationToken cancellationToken = default)
    {
        using var document = await QueryCoreAsync(database, influxql, cancellationToken);
        var series = new List<InfluxSeries>();
        var result = document.RootElement.GetProperty("results")[0];
        if (!result.TryGetProperty("series", out var seriesArray))
        {
            return series;
        }
        foreach (var item in seriesArray.EnumerateArray())
        {
            var tags = new Dictionary<string, string>();
            if (item.TryGetProperty("tags", out var tagObject))
            {
                foreach (var tag in tagObject.EnumerateObject())
                {
                    tags[tag.Name] = tag.Value.GetString() ?? "";
                }
            }
            var columns = item.GetProperty("columns").EnumerateArray().Select(c => c.GetString() ?? "").ToList();
            var values = new List<IReadOnlyList<JsonElement>>();
            if (item.TryGetProperty("values", out var rows))
            {
                foreach (var row in rows.EnumerateArray())
                {
                    values.Add([.. row.EnumerateArray().Select(v => v.Clone())]);
                }
            }
            series.Add(new InfluxSeries(item.GetProperty("name").GetString() ?? "", tags, columns, values));
        }
        return series;
    }

    /// <summary>
    /// Points in <paramref name="measurement"/> (optionally filtered by an InfluxQL <paramref name="where"/>
    /// condition), counted row by row so sparse fields cannot skew the number.
    /// </summary>
    public async Task<long> CountPointsAsync(
        string database, string measurement, string? where = null, CancellationToken cancellationToken = default)
    {
        var query = $"SELECT * FROM \"{measurement.Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
        if (!string.IsNullOrWhiteSpace(where))
        {
            query += $" WHERE {where}";
        }
        var series = await QueryAsync(database, query, cancellationToken);
        return series.Sum(s => (long)s.Values.Count);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        await StopAsync(CancellationToken.None);
        _http.Dispose();
        try
        {
            Directory.Delete(RootDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open should not fail the test that owns this; the OS cleans its temp folder.
        }
    }

    private async Task<JsonDocument> QueryCoreAsync(string? database, string influxql, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string> { ["q"] = influxql, ["epoch"] = "ms" };
        if (database is not null)
        {
            form["db"] = database;
        }
        using var content = new FormUrlEncodedContent(form);
        using var response = await _http.PostAsync("query", content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"InfluxQL '{influxql}' failed: HTTP {(int)response.StatusCode} {text}");
        }
        var document = JsonDocument.Parse(text);
        var results = document.RootElement.GetProperty("results");
        if (results.GetArrayLength() > 0 && results[0].TryGetProperty("error", out var error))
        {
            document.Dispose();
            throw new InvalidOperationException($"InfluxQL '{influxql}' failed: {error.GetString()}");
        }
        return document;
    }

    private async Task WaitForPingAsync(Process process, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException(
                    $"influxd exited with code {process.ExitCode} before answering /ping. Its log:{Environment.NewLine}{RecentLog}");
            }
            try
            {
                using var response = await _http.GetAsync("ping", timeout.Token);
                if (response.StatusCode == HttpStatusCode.NoContent)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // one /ping outlived the client's timeout on a busy machine: ask again until the start bound
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException(
                    $"influxd did not answer /ping on {Url} within {StartTimeout}. Its log:{Environment.NewLine}{RecentLog}");
            }
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException(
                    $"influxd did not answer /ping on {Url} within {StartTimeout}. Its log:{Environment.NewLine}{RecentLog}");
            }
        }
    }

    private string ConfigText()
    {
        string Dir(string name) => Path.Combine(RootDirectory, name).Replace("\\", "/", StringComparison.Ordinal);
        return $"""
            reporting-enabled = false
            bind-address = "127.0.0.1:{RpcPort}"

            [meta]
              dir = "{Dir("meta")}"
              logging-enabled = false

            [data]
              dir = "{Dir("data")}"
              wal-dir = "{Dir("wal")}"
              wal-fsync-delay = "0s"
              query-log-enabled = false
              # One series per asset: the 1.x defaults (100,000 values per tag) refuse a load run of 1,000,000 assets.
              max-values-per-tag = 0
              max-series-per-database = 0

            [monitor]
              store-enabled = false

            [subscriber]
              enabled = false

            [http]
              enabled = true
              bind-address = "127.0.0.1:{HttpPort}"
              log-enabled = false
              pprof-enabled = false
              max-row-limit = 0

            [logging]
              level = "warn"
              suppress-logo = true

            [[graphite]]
              enabled = false

            [[collectd]]
              enabled = false

            [[opentsdb]]
              enabled = false

            [[udp]]
              enabled = false

            [continuous_queries]
              enabled = false
            """;
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }
        _recentLog.Enqueue(line);
        while (_recentLog.Count > 200 && _recentLog.TryDequeue(out _))
        {
        }
    }

    private void OnProcessExit(object? sender, EventArgs e)
    {
        lock (_gate)
        {
            try
            {
                if (_process is { HasExited: false })
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
        }
    }
}
