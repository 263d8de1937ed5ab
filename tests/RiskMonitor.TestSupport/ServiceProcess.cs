using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;

namespace RiskMonitor.TestSupport;

/// <summary>
/// A private Mosquitto, Redis or smtp4dev for one test: the program itself in the foreground on a free loopback port, with its
/// files in a temporary directory, killed on dispose (and when the test host exits).
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private readonly string _program;
    private readonly Func<ServiceProcess, string[]> _arguments;
    private readonly string? _workingDirectory;
    private Process? _process;

    private ServiceProcess(string program, Func<ServiceProcess, string[]> arguments, string? workingDirectory = null)
    {
        _program = program;
        _arguments = arguments;
        _workingDirectory = workingDirectory;
        Port = FreePort.Next();
        RootDirectory = Directory.CreateTempSubdirectory("riskmonitor-svc-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill();
    }

    public int Port { get; }

    /// <summary>A second port, for programs that also serve HTTP (smtp4dev's web API).</summary>
    public int WebPort { get; } = FreePort.Next();

    public string RootDirectory { get; }

    /// <summary>The program's process id while it runs.</summary>
    public int? Pid => _process is { HasExited: false } process ? process.Id : null;

    /// <summary>The last lines the program printed, for failure messages.</summary>
    public string RecentOutput => string.Join(Environment.NewLine, _output);

    /// <summary>
    /// Mosquitto 2 (Debian <c>mosquitto</c>) with MQTT 5 shared subscriptions. Sessions live in memory; queues are not
    /// capped (the default of 1000 queued messages per client would drop QoS 1 messages a busy silo has not taken yet).
    /// With a password file (<c>mosquitto_passwd</c>) and an ACL file, anonymous clients are refused and topics are
    /// checked, as decision 0023 describes for an external broker.
    /// </summary>
    public static ServiceProcess Mosquitto(string? passwordFile = null, string? aclFile = null) => new("/usr/sbin/mosquitto", p =>
    {
        var config = Path.Combine(p.RootDirectory, "mosquitto.conf");
        var access = passwordFile is null
            ? "allow_anonymous true"
            : $"allow_anonymous false\npassword_file {passwordFile}" + (aclFile is null ? "" : $"\nacl_file {aclFile}");
        File.WriteAllText(config, $"""
            listener {p.Port} 127.0.0.1
            {access}
            persistence false
            max_queued_messages 0
            max_inflight_messages 100
            log_dest stderr
            log_type error
            log_type warning
            user root
            """);
        return ["-c", config];
    });

    /// <summary>Redis 7 (Debian <c>redis-server</c>) without persistence.</summary>
    public static ServiceProcess Redis() => new("/usr/bin/redis-server", p =>
        ["--port", p.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", p.RootDirectory]);

    /// <summary>
    /// smtp4dev, a real SMTP server that keeps what it receives and serves it over an HTTP API: SMTP on <see cref="Port"/>,
    /// the API on <see cref="WebPort"/>, messages in memory. It is the repository's local dotnet tool (dotnet-tools.json;
    /// test.sh runs <c>dotnet tool restore</c>), so it runs as <c>dotnet tool run smtp4dev</c> from the repository root.
    /// </summary>
    public static ServiceProcess Smtp4dev() => new(DotnetHost(), p =>
        ["tool", "run", "smtp4dev", "--", $"--smtpport={p.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
         $"--urls=http://127.0.0.1:{p.WebPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}", "--db=", "--imapport=", "--pop3port=",
         "--nousersettings", "--hostname=localhost"],
        RepositoryRoot());

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(_program))
        {
            throw new InvalidOperationException($"{_program} is missing: run ./test.sh, which installs mosquitto, redis-server and the dotnet tools.");
        }

        var start = new ProcessStartInfo(_program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _workingDirectory ?? RootDirectory };
        foreach (var argument in _arguments(this))
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException($"{_program} did not start");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        // Ends as soon as it listens; the bound is for a process that never does. smtp4dev (a .NET app) took over 30 s to
        // listen on a busy 2-core machine, so the bound is generous; a process that exits ends the wait at once.
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", Port, cancellationToken);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(50, cancellationToken);
            }
            catch (SocketException ex)
            {
                throw new InvalidOperationException($"{_program} is not listening on {Port}: {RecentOutput}", ex);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        if (_process is { } process)
        {
            await process.WaitForExitAsync(CancellationToken.None);
            process.Dispose();
            _process = null;
        }

        try
        {
            Directory.Delete(RootDirectory, recursive: true);
        }
        catch (IOException)
        {
            // still held open: the OS cleans its temp folder
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

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "/usr/bin/dotnet";

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "dotnet-tools.json")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("No dotnet-tools.json above " + AppContext.BaseDirectory);
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 50 && _output.TryDequeue(out _))
        {
        }
    }
}
