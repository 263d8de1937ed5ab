using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace RiskMonitor.Load.Deployed;

/// <summary>
/// One server process (<c>dotnet RiskMonitor.Server.dll</c>) with its environment, HTTP port and log file. It can be
/// stopped as a pod is (SIGTERM, 30 s grace, then SIGKILL), killed as a lost node is (SIGKILL), and started again with
/// the same environment, ports and log (appended), as a StatefulSet restarts a pod under the same name.
/// </summary>
internal sealed class ServerNode : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(180);
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Lock _logGate = new();
    private Process? _process;
    private StreamWriter? _log;

    public ServerNode(string name, string dll, int httpPort, IReadOnlyDictionary<string, string> environment, string logPath)
    {
        Name = name;
        Dll = dll;
        HttpPort = httpPort;
        _environment = environment;
        LogPath = logPath;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill();
    }

    public string Name { get; }

    public string Dll { get; }

    public int HttpPort { get; }

    public string LogPath { get; }

    public Uri BaseUrl => new($"http://127.0.0.1:{HttpPort.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>0 while the node is not running.</summary>
    public int Pid => _process is { HasExited: false } p ? p.Id : 0;

    /// <summary>Starts the process and returns once <c>/health/ready</c> answers 200.</summary>
    public async Task<TimeSpan> StartAsync(CancellationToken ct)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Dll);
        foreach (var (key, value) in _environment)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var started = Stopwatch.StartNew();
        lock (_logGate)
        {
            _log ??= new StreamWriter(LogPath, append: true) { AutoFlush = true };
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{Name} did not start");
        _process = process;
        process.OutputDataReceived += (_, e) => Log(e.Data);
        process.ErrorDataReceived += (_, e) => Log(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {process.ExitCode}; see {LogPath}");
            }

            try
            {
                using var ready = await _http.GetAsync(new Uri(BaseUrl, "health/ready"), ct);
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return started.Elapsed;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                // not listening yet
            }

            if (started.Elapsed > ReadyTimeout)
            {
                throw new TimeoutException($"{Name} was not ready in {ReadyTimeout.TotalSeconds} s; see {LogPath}");
            }

            await Task.Delay(100, ct);
        }
    }

    /// <summary>SIGTERM, as Ctrl-C on run.sh or a pod's termination does: the host stops broker client, silo and writers in order.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                await SignalAsync("-TERM", process.Id);
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync(CancellationToken.None);
                }
            }
        }
        finally
        {
            process.Dispose();
            _process = null;
        }
    }

    /// <summary>SIGKILL: no shutdown, no goodbye to the broker or the cluster, as a lost VM.</summary>
    public async Task KillAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        if (!process.HasExited)
        {
            await SignalAsync("-KILL", process.Id);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        lock (_logGate)
        {
            _log?.Dispose();
            _log = null;
        }

        _http.Dispose();
    }

    private static async Task SignalAsync(string signal, int pid)
    {
        var start = new ProcessStartInfo("kill") { UseShellExecute = false };
        start.ArgumentList.Add(signal);
        start.ArgumentList.Add(pid.ToString(CultureInfo.InvariantCulture));
        using var kill = Process.Start(start) ?? throw new InvalidOperationException("kill did not start");
        await kill.WaitForExitAsync(CancellationToken.None);
    }

    private void Log(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logGate)
        {
            _log?.WriteLine(line);
        }
    }

    private void Kill()
    {
        try
        {
            if (_process is { HasExited: false } process)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }
}
