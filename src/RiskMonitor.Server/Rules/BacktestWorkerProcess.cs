using System.Collections.Frozen;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using RiskMonitor.Backtest.Worker;

namespace RiskMonitor.Server.Rules;

/// <summary>
/// One backtest worker process (docs/decisions/0066): started with the job on its standard input, read message by message
/// from its standard output. Standard input stays open while the job is wanted; disposing closes it and, if the worker
/// has not gone by then, kills it, so a cancelled or abandoned job never keeps replaying.
/// </summary>
internal sealed class BacktestWorkerProcess : IAsyncDisposable
{
    private const int StderrLinesKept = 20;
    private const string Nice = "/usr/bin/nice";
    private const string Chrt = "/usr/bin/chrt";

    /// <summary>Besides the runtime's <c>DOTNET_*</c> and <c>COMPlus_*</c> and the locale's <c>LC_*</c>: the path, home, locale, time zone and temp folder, and what an HTTP client reads (certificates, proxies).</summary>
    private static readonly FrozenSet<string> WorkerEnvironment = FrozenSet.Create(
        StringComparer.Ordinal, "PATH", "HOME", "LANG", "TZ", "TMPDIR", "SSL_CERT_FILE", "SSL_CERT_DIR",
        "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "no_proxy", "all_proxy");

    private readonly Process _process;
    private readonly Queue<string> _stderr = new();

    private BacktestWorkerProcess(Process process, Action<string> stderrLine)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not { Length: > 0 } line)
            {
                return;
            }

            lock (_stderr)
            {
                _stderr.Enqueue(line);
                if (_stderr.Count > StderrLinesKept)
                {
                    _stderr.Dequeue();
                }
            }

            stderrLine(line);
        };
        _process.BeginErrorReadLine();
    }

    public int ProcessId => _process.Id;

    /// <summary>Starts the worker beside this server's assemblies and hands it <paramref name="job"/>.</summary>
    public static async Task<BacktestWorkerProcess> StartAsync(WorkerJob job, Action<string> stderrLine, CancellationToken token)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, WorkerProtocol.FileName);
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"The backtest worker '{dll}' is missing: the server's output must hold it (a project reference).");
        }

        var command = Command(job.Priority, DotnetHost(), File.Exists);
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(dll);
        // Not needed by the worker (the job comes on standard input), but it says in `ps` which job a worker is running.
        start.ArgumentList.Add("--job");
        start.ArgumentList.Add(job.JobId);
        // The worker needs the runtime's settings and what an HTTP client reads; not the server's secrets (database
        // passwords, signing keys), which it would otherwise inherit: the rest is left out of its environment.
        foreach (var name in start.Environment.Keys.Where(name => !PassedToWorker(name)).ToList())
        {
            start.Environment.Remove(name);
        }

        // The worker is a batch job: workstation GC, whatever the server was told (DOTNET_gcServer overrides its own runtimeconfig).
        start.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(start) ?? throw new InvalidOperationException("The backtest worker did not start.");
        var worker = new BacktestWorkerProcess(process, stderrLine);
        try
        {
            await process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(job, WorkerProtocol.Json).AsMemory(), token);
            await process.StandardInput.FlushAsync(token);
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }

        return worker;
    }

    /// <summary>The worker's messages in the order it wrote them, until it closes its output.</summary>
    public async IAsyncEnumerable<WorkerMessage> ReadAsync([EnumeratorCancellation] CancellationToken token)
    {
        while (await _process.StandardOutput.ReadLineAsync(token) is { } line)
        {
            yield return JsonSerializer.Deserialize<WorkerMessage>(line, WorkerProtocol.Json)
                ?? throw new InvalidDataException("The backtest worker wrote an empty message.");
        }
    }

    /// <summary>Why the worker ended without finishing: its exit code and the last lines it wrote on standard error.</summary>
    public async Task<string> EndedWithoutFinishingAsync()
    {
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            return "The backtest worker closed its output but did not exit.";
        }

        string tail;
        lock (_stderr)
        {
            tail = string.Join(" | ", _stderr);
        }

        return $"The backtest worker exited with code {_process.ExitCode} before finishing{(tail.Length > 0 ? ": " + tail : ".")}";
    }

    /// <summary>
    /// Closes the worker's input, its signal to stop, and gives it a moment to go; kills it if it does not. Returns its exit
    /// code when it ended by itself, null when it had to be killed.
    /// </summary>
    public async Task<int?> StopAsync()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Gone already: the pipe is broken.
        }

        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _process.WaitForExitAsync(grace.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }

    /// <summary>
    /// The program that starts the worker and its first arguments, before <c>exec</c>: the <c>dotnet</c> host, under
    /// <c>chrt</c> and <c>nice</c>. The worker lowers itself (the worker's <c>Scheduling</c>) once it has read its job,
    /// but the runtime's start and the job's parse before that are about 0.1 CPU-s, taken from live work at the moment a
    /// backtest starts if they ran at the server's priority. <c>chrt</c> (util-linux) sets the policy before the host
    /// starts: <c>SCHED_IDLE</c> for <see cref="WorkerPriority.Idle"/>, <c>SCHED_OTHER</c> otherwise, so that a server in
    /// the real-time class (run.sh with <c>RM_LIVE_PRIORITY=realtime</c>, docs/decisions/0069) never hands that class to
    /// its worker; any user may take either. <c>nice</c> (coreutils) adds nice 19 unless asked for normal priority, and
    /// runs the command even where it may not lower it. Without either tool the worker starts as the server runs and
    /// lowers itself as before.
    /// </summary>
    internal static IReadOnlyList<string> Command(WorkerPriority priority, string host, Func<string, bool> exists)
    {
        List<string> command = [];
        if (exists(Chrt))
        {
            command.AddRange([Chrt, priority == WorkerPriority.Idle ? "--idle" : "--other", "0"]);
        }

        if (priority != WorkerPriority.Normal && exists(Nice))
        {
            command.AddRange([Nice, "-n", "19"]);
        }

        command.Add(host);
        return command;
    }

    private static bool PassedToWorker(string name) =>
        name.StartsWith("DOTNET_", StringComparison.Ordinal) || name.StartsWith("COMPlus_", StringComparison.Ordinal) ||
        name.StartsWith("LC_", StringComparison.Ordinal) || WorkerEnvironment.Contains(name);

    /// <summary>
    /// The <c>dotnet</c> host to run the worker with: the one running this server, else the one beside the shared
    /// runtime in use (a server started through its own executable), else the first on the path.
    /// </summary>
    private static string DotnetHost()
    {
        var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } path && string.Equals(Path.GetFileName(path), name, StringComparison.OrdinalIgnoreCase))
        {
            return path;
        }

        // <root>/shared/Microsoft.NETCore.App/<version>/ holds the runtime; the host is <root>/dotnet.
        var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location);
        var beside = runtime is null ? null : Path.GetFullPath(Path.Combine(runtime, "..", "..", "..", name));
        return beside is not null && File.Exists(beside) ? beside : name;
    }
}
