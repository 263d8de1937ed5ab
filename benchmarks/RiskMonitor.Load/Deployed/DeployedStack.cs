using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Npgsql;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Load.Deployed;

/// <summary>
/// RiskMonitor as run.sh starts it, as separate processes: a private PostgreSQL 15 with its default durability
/// (fsync on, 100 connections), a private InfluxDB 1.x, and the built server (<c>dotnet RiskMonitor.Server.dll</c>)
/// configured through <c>Section__Key</c> environment variables: PostgreSQL as the system of record (AdoNet grain
/// state and reminders), device authentication required, the built-in token issuer with run.sh's accounts, a
/// generated registry. Its log goes to a file. Everything it starts is stopped on dispose, also after a failure.
/// </summary>
internal sealed class DeployedStack : IAsyncDisposable
{
    public const string Database = "riskmonitor";
    public const string WallUser = "wall";

    private readonly string _root = Directory.CreateTempSubdirectory("riskmonitor-deployed-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private PostgresProcess? _postgres;
    private InfluxDbProcess? _influx;
    private Process? _server;
    private StreamWriter? _serverLog;

    public DeployedStack(string logDir)
    {
        LogDir = logDir;
        Directory.CreateDirectory(logDir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillServer();
    }

    public string LogDir { get; }

    public int HttpPort { get; } = FreePort.Next();

    public int MqttPort { get; } = FreePort.Next();

    public Uri BaseUrl => new($"http://127.0.0.1:{HttpPort.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>Per run, as run.sh makes one per run folder.</summary>
    public string AdminKey { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    public string DemoPassword { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    public TimeSpan ColdStart { get; private set; }

    public int ServerPid => _server?.Id ?? 0;

    public int PostgresPid => _postgres?.PostmasterPid ?? 0;

    public int? InfluxPid => _influx?.InfluxdPid;

    public string ServerLogPath => Path.Combine(LogDir, "server.log");

    public string PostgresConnectionString => new NpgsqlConnectionStringBuilder(_postgres!.ConnectionString(Database)) { Pooling = false }.ConnectionString;

    public async Task StartAsync(LoadOptions options, CancellationToken ct)
    {
        _postgres = new PostgresProcess(durable: true);
        await _postgres.StartAsync(ct);
        await _postgres.CreateDatabaseAsync(Database, ct);
        _influx = new InfluxDbProcess();
        await _influx.StartAsync(ct);
        await _influx.CreateDatabaseAsync(Database, ct);

        var registry = Path.Combine(_root, "assets.geojson");
        LoadRegistry.Write(registry, options.Assets, options.ReportingIntervalSeconds);
        var dll = options.ServerDll ?? DefaultServerDll();
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build the solution (-c Release) or pass --server-dll.");
        }

        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        var env = start.Environment;
        void Set(string key, string value) => env[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        Set("Urls", BaseUrl.ToString().TrimEnd('/'));
        Set("Mqtt:Port", MqttPort.ToString(CultureInfo.InvariantCulture));
        Set("Mqtt:Authentication", "Required");
        // A gateway forwarding for a thousand devices sends thousands of messages a second over one connection; the
        // per-connection default (500/s) is for a single device and would refuse the load. --set puts it back.
        Set("Mqtt:MaxMessagesPerSecondPerClient", "0");
        Set("Influx:Url", _influx.Url.ToString());
        Set("Influx:Database", Database);
        Set("Influx:SpoolDirectory", Path.Combine(_root, "spool"));
        Set("Registry:AssetsPath", registry);
        Set("ConnectionStrings:RiskMonitor", $"Host=127.0.0.1;Port={_postgres.Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database={Database}");
        Set("Devices:AdminKey", AdminKey);
        Set("Integration:AdminKey", AdminKey);
        Set("Auth:SigningKey", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        Set("Orleans:SiloPort", FreePort.Next().ToString(CultureInfo.InvariantCulture));
        Set("Orleans:GatewayPort", FreePort.Next().ToString(CultureInfo.InvariantCulture));
        // run.sh's accounts; the harness signs in as the wall display.
        string[][] users = [["admin", "admin"], ["duty", "supervisor"], [WallUser, "viewer"]];
        for (var i = 0; i < users.Length; i++)
        {
            Set($"Auth:Users:{i}:Name", users[i][0]);
            Set($"Auth:Users:{i}:Roles:0", users[i][1]);
            Set($"Auth:Users:{i}:Password", DemoPassword);
        }

        foreach (var (key, value) in options.Settings)
        {
            Set(key, value ?? "");
        }

        var started = Stopwatch.StartNew();
        _serverLog = new StreamWriter(ServerLogPath) { AutoFlush = true };
        _server = Process.Start(start) ?? throw new InvalidOperationException("the server did not start");
        _server.OutputDataReceived += (_, e) => Log(e.Data);
        _server.ErrorDataReceived += (_, e) => Log(e.Data);
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        while (true)
        {
            if (_server.HasExited)
            {
                throw new InvalidOperationException($"the server exited with code {_server.ExitCode}; see {ServerLogPath}");
            }

            try
            {
                using var ready = await _http.GetAsync(new Uri(BaseUrl, "health/ready"), ct);
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            if (started.Elapsed > TimeSpan.FromSeconds(120))
            {
                throw new TimeoutException($"the server was not ready in 120 s; see {ServerLogPath}");
            }

            await Task.Delay(100, ct);
        }

        ColdStart = started.Elapsed;
    }

    /// <summary>
    /// One gateway credential per connection for the assets that connection carries (decision 0023: a gateway lists
    /// the registered assets it speaks for, at most 10,000), through <c>POST /api/devices</c> with the admin key.
    /// </summary>
    public async Task<DeviceLogin[]> ProvisionGatewaysAsync(int assets, int connections, CancellationToken ct)
    {
        var logins = new DeviceLogin[connections];
        for (var c = 0; c < connections; c++)
        {
            var owned = new List<string>();
            for (var a = c; a < assets; a += connections)
            {
                owned.Add(LoadRegistry.AssetId(a));
            }

            var deviceId = string.Create(CultureInfo.InvariantCulture, $"load-gw-{c}");
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseUrl, "api/devices"))
            {
                Content = JsonContent.Create(new { deviceId, assets = owned, description = "load harness gateway" }),
            };
            request.Headers.Add("X-Admin-Key", AdminKey);
            using var response = await _http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"provisioning {deviceId} ({owned.Count} assets) failed: HTTP {(int)response.StatusCode} {body}");
            }

            using var json = JsonDocument.Parse(body);
            logins[c] = new DeviceLogin(json.RootElement.GetProperty("username").GetString()!, json.RootElement.GetProperty("secret").GetString()!);
        }

        return logins;
    }

    /// <summary>A wall-display token from the built-in issuer, as a person signs in (<c>POST /api/auth/token</c>).</summary>
    public async Task<string> SignInAsync(CancellationToken ct)
    {
        using var response = await _http.PostAsJsonAsync(new Uri(BaseUrl, "api/auth/token"), new { username = WallUser, password = DemoPassword }, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"sign-in failed: HTTP {(int)response.StatusCode} {body}");
        }

        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("accessToken").GetString()!;
    }

    /// <summary>Points stored, counted by InfluxDB itself (every reading carries ch4_lel).</summary>
    public async Task<long> CountStoredReadingsAsync(CancellationToken ct)
    {
        var series = await _influx!.QueryAsync(Database, "SELECT count(\"ch4_lel\") FROM \"telemetry\"", ct);
        return series.Count > 0 && series[0].Values.Count > 0 ? series[0].Values[0][1].GetInt64() : 0;
    }

    public Task StopPostgresAsync(CancellationToken ct) => _postgres!.StopImmediatelyAsync(ct);

    public Task StartPostgresAsync(CancellationToken ct) => _postgres!.StartAsync(ct);

    public Task StopInfluxAsync(CancellationToken ct) => _influx!.StopAsync(ct);

    public Task StartInfluxAsync(CancellationToken ct) => _influx!.StartAsync(ct);

    /// <summary>SIGSTOP (or SIGCONT) to the postmaster and every child: a hung database host, connections open but silent.</summary>
    public Task SignalPostgresAsync(bool freeze, CancellationToken ct) =>
        SignalAsync([PostgresPid, .. ProcCpu.Children(PostgresPid).Select(c => c.Pid)], freeze, ct);

    public Task SignalInfluxAsync(bool freeze, CancellationToken ct) => SignalAsync(InfluxPid is { } pid ? [pid] : [], freeze, ct);

    public async ValueTask DisposeAsync()
    {
        await StopServerAsync();
        if (_postgres is not null)
        {
            // A frozen PostgreSQL would not stop; thaw first (harmless when it runs).
            await SignalPostgresAsync(freeze: false, CancellationToken.None);
            CopyLog(_postgres.LogPath, "postgres.log");
            await _postgres.DisposeAsync();
        }

        if (_influx is not null)
        {
            await SignalInfluxAsync(freeze: false, CancellationToken.None);
            await File.WriteAllTextAsync(Path.Combine(LogDir, "influxd.log"), _influx.RecentLog, CancellationToken.None);
            await _influx.DisposeAsync();
        }

        _http.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // a spool file still open; the OS cleans its temp folder
        }
    }

    private static string DefaultServerDll()
    {
        // The checkout this harness was built in: walk up to RiskMonitor.sln, then the server's own output of the same configuration.
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent?.Name ?? "Release";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RiskMonitor.sln")))
            {
                return Path.Combine(dir.FullName, "src", "RiskMonitor.Server", "bin", configuration, "net10.0", "RiskMonitor.Server.dll");
            }
        }

        return Path.Combine("src", "RiskMonitor.Server", "bin", "Release", "net10.0", "RiskMonitor.Server.dll");
    }

    private static async Task SignalAsync(IReadOnlyList<int> pids, bool freeze, CancellationToken ct)
    {
        var targets = pids.Where(p => p > 0).ToList();
        if (targets.Count == 0)
        {
            return;
        }

        var start = new ProcessStartInfo("kill") { UseShellExecute = false, RedirectStandardError = true };
        start.ArgumentList.Add(freeze ? "-STOP" : "-CONT");
        foreach (var pid in targets)
        {
            start.ArgumentList.Add(pid.ToString(CultureInfo.InvariantCulture));
        }

        using var kill = Process.Start(start) ?? throw new InvalidOperationException("kill did not start");
        await kill.WaitForExitAsync(ct);
    }

    private void CopyLog(string from, string name)
    {
        try
        {
            File.Copy(from, Path.Combine(LogDir, name), overwrite: true);
        }
        catch (IOException)
        {
            // no log to keep
        }
    }

    private void Log(string? line)
    {
        if (line is null)
        {
            return;
        }

        try
        {
            lock (_serverLog!)
            {
                _serverLog.WriteLine(line);
            }
        }
        catch (ObjectDisposedException)
        {
            // a last line after the server was stopped
        }
    }

    private async Task StopServerAsync()
    {
        if (_server is not { } server)
        {
            return;
        }

        try
        {
            if (!server.HasExited)
            {
                // SIGTERM: the host stops the broker, the silo and the writers in order, as Ctrl-C on run.sh does.
                await SignalTermAsync(server.Id);
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await server.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    server.Kill(entireProcessTree: true);
                    await server.WaitForExitAsync(CancellationToken.None);
                }
            }
        }
        finally
        {
            server.Dispose();
            _server = null;
            if (_serverLog is { } log)
            {
                lock (log)
                {
                    log.Dispose();
                }
            }
        }
    }

    private static async Task SignalTermAsync(int pid)
    {
        var start = new ProcessStartInfo("kill") { UseShellExecute = false };
        start.ArgumentList.Add("-TERM");
        start.ArgumentList.Add(pid.ToString(CultureInfo.InvariantCulture));
        using var kill = Process.Start(start) ?? throw new InvalidOperationException("kill did not start");
        await kill.WaitForExitAsync(CancellationToken.None);
    }

    private void KillServer()
    {
        try
        {
            if (_server is { HasExited: false } server)
            {
                server.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }
}
