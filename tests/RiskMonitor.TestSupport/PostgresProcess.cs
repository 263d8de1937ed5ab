using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace RiskMonitor.TestSupport;

/// <summary>
/// A private PostgreSQL 15 for one test or fixture: <c>initdb</c> into its own temporary directory (owned by the
/// <c>postgres</c> user when the tests run as root, as PostgreSQL refuses to run as root), started by <c>pg_ctl</c> on a
/// free loopback port with its own socket directory. A watchdog shell shuts it down and removes its files if the test
/// host dies without disposing it, so a killed test run leaves no server behind.
/// </summary>
public sealed class PostgresProcess : IAsyncDisposable
{
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";
    public const string SuperUser = "postgres";

    // $1 the test host's pid, $2 the postmaster's pid, $3 the directory to remove. Runs as the test host's user, which
    // may signal the postmaster (root, or the same non-root user). SIGQUIT is PostgreSQL's immediate shutdown.
    private const string Watchdog = """
        while [ -d "/proc/$1" ] && [ -d "/proc/$2" ]; do sleep 0.5; done
        if [ -d "/proc/$2" ]; then
          kill -QUIT "$2" 2>/dev/null
          sleep 2
          kill -KILL "$2" 2>/dev/null
          rm -rf "$3"
        fi
        """;

    private static readonly bool RunningAsRoot = Environment.UserName == "root";

    private readonly ConcurrentQueue<string> _recentOutput = new();
    private readonly Lock _gate = new();
    private Process? _watchdog;
    private int _postmasterPid;
    private bool _initialized;
    private bool _disposed;

    public PostgresProcess()
        : this(durable: false)
    {
    }

    /// <summary>
    /// <paramref name="durable"/>: PostgreSQL as run.sh runs it (fsync and full-page writes on, the default 100
    /// connections), for the load harness, which measures what a deployment pays for commits; tests leave it off.
    /// </summary>
    public PostgresProcess(bool durable)
    {
        Durable = durable;
        Port = FreePort.Next();
        RootDirectory = Directory.CreateTempSubdirectory("riskmonitor-pg-").FullName;
        DataDirectory = Path.Combine(RootDirectory, "data");
        SocketDirectory = Path.Combine(RootDirectory, "sock");
        LogPath = Path.Combine(RootDirectory, "postgres.log");
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    public int Port { get; }

    /// <summary>fsync, synchronous commit and full-page writes on, default max_connections (see the constructor).</summary>
    public bool Durable { get; }

    /// <summary>The postmaster's process id while it runs (0 when stopped): the load harness freezes and meters it.</summary>
    public int PostmasterPid
    {
        get
        {
            lock (_gate)
            {
                return _postmasterPid;
            }
        }
    }

    /// <summary>The temporary directory holding the data directory, socket directory and log; deleted on dispose.</summary>
    public string RootDirectory { get; }

    public string DataDirectory { get; }

    public string SocketDirectory { get; }

    public string LogPath { get; }

    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _postmasterPid != 0 && Directory.Exists($"/proc/{_postmasterPid}");
            }
        }
    }

    /// <summary>The server log and the last lines of initdb/pg_ctl output, for failure messages.</summary>
    public string RecentLog
    {
        get
        {
            var log = "";
            try
            {
                log = File.Exists(LogPath) ? string.Join(Environment.NewLine, File.ReadLines(LogPath).TakeLast(50)) : "";
            }
            catch (IOException)
            {
                // being written: the command output below still helps
            }

            return log + Environment.NewLine + string.Join(Environment.NewLine, _recentOutput);
        }
    }

    /// <summary>A connection string for <paramref name="database"/> as the superuser over TCP on loopback.</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = SuperUser,
        Database = database,
        IncludeErrorDetail = true,
        Timeout = 15,
    }.ConnectionString;

    /// <summary>Creates the cluster on first use, then starts PostgreSQL (again, on the same port and data) and waits until it accepts connections.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!File.Exists(Path.Combine(BinDirectory, "initdb")))
        {
            throw new InvalidOperationException(
                $"{BinDirectory}/initdb is missing: PostgreSQL 15 is needed by these tests; run ./test.sh, which installs postgresql.");
        }

        if (IsRunning)
        {
            return;
        }

        if (!_initialized)
        {
            Directory.CreateDirectory(SocketDirectory);
            if (RunningAsRoot)
            {
                await RunAsync("chown", ["-R", $"{SuperUser}:{SuperUser}", RootDirectory], asPostgres: false, cancellationToken);
            }

            await RunAsync(Path.Combine(BinDirectory, "initdb"),
                ["-D", DataDirectory, "-U", SuperUser, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
                asPostgres: true, cancellationToken);
            _initialized = true;
        }

        // Durability settings are off: a test cluster trades crash safety for speed, the server under test does not.
        // A durable cluster keeps PostgreSQL's defaults, as run.sh does.
        string[] settings = Durable ? [] : ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off", "-c max_connections=200"];
        // RM_POSTGRES_EXTRA_OPTIONS (e.g. "-c shared_preload_libraries=pg_stat_statements") is for profiling a load run.
        var extra = Environment.GetEnvironmentVariable("RM_POSTGRES_EXTRA_OPTIONS");
        var options = string.Join(' ',
            [$"-p {Port.ToString(CultureInfo.InvariantCulture)}", "-c listen_addresses=127.0.0.1", $"-k {SocketDirectory}", .. settings, extra ?? ""]);
        try
        {
            await RunAsync(Path.Combine(BinDirectory, "pg_ctl"),
                ["-D", DataDirectory, "-l", LogPath, "-w", "-t", "90", "-o", options, "start"], asPostgres: true, cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"{ex.Message}{Environment.NewLine}Server log:{Environment.NewLine}{RecentLog}", ex);
        }

        var pid = int.Parse(File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        var watchdog = StartWatchdog(pid);
        lock (_gate)
        {
            _postmasterPid = pid;
            _watchdog = watchdog;
        }
    }

    /// <summary>A clean, fast shutdown (<c>pg_ctl stop -m fast</c>); <see cref="StartAsync"/> brings it back on the same data.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => StopAsync("fast", cancellationToken);

    /// <summary>
    /// An outage (<c>pg_ctl stop -m immediate</c>: no checkpoint, clients cut off, crash recovery at the next start);
    /// <see cref="StartAsync"/> brings it back on the same data.
    /// </summary>
    public Task StopImmediatelyAsync(CancellationToken cancellationToken = default) => StopAsync("immediate", cancellationToken);

    private async Task StopAsync(string mode, CancellationToken cancellationToken)
    {
        Process? watchdog;
        lock (_gate)
        {
            if (_postmasterPid == 0)
            {
                return;
            }

            _postmasterPid = 0;
            watchdog = _watchdog;
            _watchdog = null;
        }

        try
        {
            await RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", mode, "-w", "-t", "30", "stop"],
                asPostgres: true, cancellationToken);
        }
        finally
        {
            StopWatchdog(watchdog);
        }
    }

    /// <summary>
    /// Freezes PostgreSQL (<c>SIGSTOP</c> to the postmaster and every backend): connections stay open but nothing
    /// answers, as on a hung disk or a paused VM. <see cref="ThawAsync"/> resumes it.
    /// </summary>
    public Task FreezeAsync(CancellationToken cancellationToken = default) => SignalAllAsync("STOP", cancellationToken);

    public Task ThawAsync(CancellationToken cancellationToken = default) => SignalAllAsync("CONT", cancellationToken);

    private async Task SignalAllAsync(string signal, CancellationToken cancellationToken)
    {
        int pid;
        lock (_gate)
        {
            pid = _postmasterPid;
        }

        if (pid == 0)
        {
            throw new InvalidOperationException("PostgreSQL is not running.");
        }

        // The postmaster first on STOP (no new backends are forked meanwhile), last on CONT.
        var children = File.Exists($"/proc/{pid}/task/{pid}/children")
            ? (await File.ReadAllTextAsync($"/proc/{pid}/task/{pid}/children", cancellationToken))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList()
            : [];
        List<int> order = signal == "STOP" ? [pid, .. children] : [.. children, pid];
        await RunAsync("kill", [$"-{signal}", .. order.Select(p => p.ToString(CultureInfo.InvariantCulture))], asPostgres: false, cancellationToken);
    }

    public async Task CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        NpgsqlConnection.ClearAllPools();
        try
        {
            await StopAsync(CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            // pg_ctl could not stop it cleanly: the kill below still does
        }

        KillPostmaster();
        try
        {
            Directory.Delete(RootDirectory, recursive: true);
        }
        catch (IOException)
        {
            // the OS cleans its temp folder
        }
        catch (UnauthorizedAccessException)
        {
            // idem
        }
    }

    private Process StartWatchdog(int postmasterPid)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-c", Watchdog, "postgres-watchdog",
            Environment.ProcessId.ToString(CultureInfo.InvariantCulture), postmasterPid.ToString(CultureInfo.InvariantCulture), RootDirectory })
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("Could not start the PostgreSQL watchdog shell.");
    }

    private static void StopWatchdog(Process? watchdog)
    {
        if (watchdog is null)
        {
            return;
        }

        try
        {
            if (!watchdog.HasExited)
            {
                watchdog.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        finally
        {
            watchdog.Dispose();
        }
    }

    private void KillPostmaster()
    {
        int pid;
        Process? watchdog;
        lock (_gate)
        {
            pid = _postmasterPid;
            watchdog = _watchdog;
            _postmasterPid = 0;
            _watchdog = null;
        }

        StopWatchdog(watchdog);
        if (pid == 0)
        {
            return;
        }

        try
        {
            using var postmaster = Process.GetProcessById(pid);
            postmaster.Kill(entireProcessTree: true);
        }
        catch (ArgumentException)
        {
            // not running
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    private async Task RunAsync(string file, IReadOnlyList<string> arguments, bool asPostgres, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(asPostgres && RunningAsRoot ? "runuser" : file)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // postgres may not read the test host's working directory; the temp root is its own.
            WorkingDirectory = RootDirectory,
        };
        if (asPostgres && RunningAsRoot)
        {
            foreach (var argument in new[] { "-u", SuperUser, "--", file })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var output = (await stdout) + (await stderr);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(20))
        {
            _recentOutput.Enqueue(line);
        }

        while (_recentOutput.Count > 100 && _recentOutput.TryDequeue(out _))
        {
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(file)} {string.Join(' ', arguments)} exited with code {process.ExitCode}:{Environment.NewLine}{output}");
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => KillPostmaster();
}
