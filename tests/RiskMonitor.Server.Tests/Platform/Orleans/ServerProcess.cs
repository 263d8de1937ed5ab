using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace RiskMonitor.Server.Tests.Platform.Orleans;

/// <summary>
/// The server as a process of its own (the built RiskMonitor.Server.dll), configured by environment variables, so a
/// test can kill it hard (SIGKILL: no shutdown, no goodbye to the broker or the cluster) and start it again.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly string? _directory;
    private Process? _process;

    /// <param name="settings">Configuration, passed as environment variables.</param>
    /// <param name="directory">A folder of its own (files, spool, journal) that survives a kill and is deleted on dispose.</param>
    public ServerProcess(IReadOnlyDictionary<string, string?> settings, string? directory = null)
    {
        _settings = settings;
        _directory = directory;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort.ToString(CultureInfo.InvariantCulture)}/"), Timeout = TimeSpan.FromSeconds(10) };
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestIdentity.DefaultToken());
    }

    public int HttpPort { get; } = TestSupport.FreePort.Next();

    public HttpClient Http { get; }

    public string RecentOutput => string.Join(Environment.NewLine, _output);

    public async Task StartAsync(CancellationToken ct)
    {
        var dll = ServerDll();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        start.Environment["Urls"] = $"http://127.0.0.1:{HttpPort.ToString(CultureInfo.InvariantCulture)}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Auth__SigningKey"] = TestIdentity.SigningKey;
        foreach (var (key, value) in _settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddMinutes(3); // generous: a busy two-core machine starts slowly
        while (true)
        {
            try
            {
                using var response = await Http.GetAsync("health/ready", ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // listening but too busy starting to answer within the client's timeout: ask again
            }

            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The server process did not become ready: {RecentOutput}");
            }

            await Task.Delay(200, ct);
        }
    }

    /// <summary>SIGKILL: what a crashed node or a lost machine looks like to the others.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Http.Dispose();
        if (_directory is null)
        {
            return;
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // the spool may still be held: the OS cleans its temp folder
        }
    }

    private static string ServerDll()
    {
        // The server built in the same configuration as this test assembly (test.sh builds the whole solution).
        var configuration = AppContext.BaseDirectory.Contains("/bin/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var dll = Path.Combine(dir.FullName, "src", "RiskMonitor.Server", "bin", configuration, "net10.0", "RiskMonitor.Server.dll");
            if (File.Exists(dll))
            {
                return dll;
            }
        }

        throw new InvalidOperationException($"RiskMonitor.Server.dll ({configuration}) not found: build the solution first.");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 80 && _output.TryDequeue(out _))
        {
        }
    }
}
