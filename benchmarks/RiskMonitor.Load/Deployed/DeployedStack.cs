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
/// With <c>--cluster N</c>: N such servers as silos, configured as the chart's configmap configures them, on a private
/// Mosquitto (device accounts and ACL) and Redis (decision 0040).
/// </summary>
internal sealed class DeployedStack : IAsyncDisposable
{
    public const string Database = "riskmonitor";
    public const string WallUser = "wall";

    /// <summary>Cluster mode: the silos' one account at the broker (decision 0023).</summary>
    public const string SiloUser = "riskmonitor-silo";

    public const string ClusterId = "riskmonitor-load";

    private readonly string _root = Directory.CreateTempSubdirectory("riskmonitor-deployed-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private readonly List<ServerNode> _nodes = [];
    private readonly string _siloPassword = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private readonly int _embeddedMqttPort = FreePort.Next();
    private SchedulerSwitch? _autogroup;
    private SchedulerSwitch? _roundRobinSlice;
    private PostgresProcess? _postgres;
    private InfluxDbProcess? _influx;
    private ServiceProcess? _mosquitto;
    private ServiceProcess? _redis;
    private DeviceLogin[]? _brokerLogins;

    public DeployedStack(string logDir)
    {
        LogDir = logDir;
        Directory.CreateDirectory(logDir);
    }

    public string LogDir { get; }

    /// <summary>The server, or in cluster mode the silos in order (silo-0 first).</summary>
    public IReadOnlyList<ServerNode> Nodes => _nodes;

    /// <summary>Where the publisher connects: the server's embedded broker, or Mosquitto in cluster mode.</summary>
    public int MqttPort => _mosquitto?.Port ?? _embeddedMqttPort;

    /// <summary>The node the harness signs in and provisions through: the last, which no fault touches in a kill run.</summary>
    public Uri BaseUrl => _nodes[^1].BaseUrl;

    /// <summary>Per run, as run.sh makes one per run folder.</summary>
    public string AdminKey { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    public string DemoPassword { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    public TimeSpan ColdStart { get; private set; }

    /// <summary>The last node's process (0 while it is down).</summary>
    public int ServerPid => _nodes.Count == 0 ? 0 : _nodes[^1].Pid;

    public int PostgresPid => _postgres?.PostmasterPid ?? 0;

    public int? InfluxPid => _influx?.InfluxdPid;

    public Uri InfluxUrl => _influx!.Url;

    /// <summary>Readings stored before this (a backtest's history, <c>--backtest-at</c>) are not the run's own and are not counted.</summary>
    public DateTimeOffset CountReadingsFrom { get; set; } = DateTimeOffset.MinValue;

    public int? MosquittoPid => _mosquitto?.Pid;

    public IEnumerable<string> ServerLogPaths => _nodes.Select(n => n.LogPath);

    public string PostgresConnectionString => new NpgsqlConnectionStringBuilder(_postgres!.ConnectionString(Database)) { Pooling = false }.ConnectionString;

    public async Task StartAsync(LoadOptions options, CancellationToken ct)
    {
        _autogroup = options.KeepAutogroup ? null : SchedulerSwitch.Set(SchedulerSwitch.Autogroup, "0");
        _roundRobinSlice = LivePriority.IsRealTime ? SchedulerSwitch.Set(SchedulerSwitch.RoundRobinSliceMs, LivePriority.RoundRobinSliceMs) : null;
        _postgres = new PostgresProcess(durable: true);
        await _postgres.StartAsync(ct);
        await _postgres.CreateDatabaseAsync(Database, ct);
        _influx = new InfluxDbProcess { IdlePriority = options.InfluxIdle };
        await _influx.StartAsync(ct);
        await _influx.CreateDatabaseAsync(Database, ct);

        var registry = Path.Combine(_root, "assets.geojson");
        LoadRegistry.Write(registry, options.Assets, options.ReportingIntervalSeconds);
        var dll = options.ServerDll ?? DefaultServerDll();
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build the solution (-c Release) or pass --server-dll.");
        }

        var shared = new Dictionary<string, string>();
        void Set(string key, string value) => shared[key] = value;
        Set("Mqtt:Authentication", "Required");
        // A gateway forwarding for a thousand devices sends thousands of messages a second over one connection; the
        // per-connection default (500/s) is for a single device and would refuse the load. --set puts it back.
        Set("Mqtt:MaxMessagesPerSecondPerClient", "0");
        Set("Influx:Url", _influx.Url.ToString());
        Set("Influx:Database", Database);
        Set("Registry:AssetsPath", registry);
        Set("ConnectionStrings:RiskMonitor", $"Host=127.0.0.1;Port={_postgres.Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database={Database}");
        Set("Devices:AdminKey", AdminKey);
        Set("Integration:AdminKey", AdminKey);
        Set("Auth:SigningKey", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        // run.sh's accounts; the harness signs in as the wall display.
        string[][] users = [["admin", "admin"], ["duty", "supervisor"], [WallUser, "viewer"]];
        for (var i = 0; i < users.Length; i++)
        {
            Set($"Auth:Users:{i}:Name", users[i][0]);
            Set($"Auth:Users:{i}:Roles:0", users[i][1]);
            Set($"Auth:Users:{i}:Password", DemoPassword);
        }

        if (options.Cluster > 0)
        {
            await StartBrokerAndRedisAsync(options, ct);
            // The chart's configmap (charts/riskmonitor/templates/configmap.yaml), on loopback.
            Set("Orleans:Membership", "AdoNet");
            Set("Orleans:Persistence", "AdoNet");
            Set("Orleans:ClusterId", ClusterId);
            Set("Mqtt:Mode", "External");
            Set("Mqtt:Broker:Host", "127.0.0.1");
            Set("Mqtt:Broker:Port", _mosquitto!.Port.ToString(CultureInfo.InvariantCulture));
            Set("Mqtt:Broker:Username", SiloUser);
            Set("Mqtt:Broker:Password", _siloPassword);
            Set("Mqtt:DispatchRetryWindow", "00:03:00");
            Set("Influx:AwaitStored", "true");
            Set("Redis:Configuration", $"127.0.0.1:{_redis!.Port.ToString(CultureInfo.InvariantCulture)}");
            // Every silo may open MaxPoolSize + OrleansMaxPoolSize + GrainStateMaxPoolSize connections (16 + 16 + 8 by
            // default): three of them overrun a default PostgreSQL (max_connections 100, 3 reserved), as the first kill
            // run did ("53300: sorry, too many clients already"). Sized as an operator must: nodes x pools within what
            // the server allows.
            var perNode = Math.Max(6, (97 - 7) / options.Cluster); // 7 for psql, the harness and a node's start-up check
            var (stores, grainState) = (perNode * 2 / 5, Math.Max(2, perNode / 5));
            Set("Postgres:MaxPoolSize", stores.ToString(CultureInfo.InvariantCulture));
            Set("Postgres:GrainStateMaxPoolSize", grainState.ToString(CultureInfo.InvariantCulture));
            Set("Postgres:OrleansMaxPoolSize", (perNode - stores - grainState).ToString(CultureInfo.InvariantCulture));
        }

        foreach (var (key, value) in options.Settings)
        {
            Set(key, value ?? "");
        }

        var nodes = Math.Max(1, options.Cluster);
        var started = Stopwatch.StartNew();
        for (var n = 0; n < nodes; n++)
        {
            var name = options.Cluster > 0 ? string.Create(CultureInfo.InvariantCulture, $"silo-{n}") : "server";
            var own = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
            var httpPort = FreePort.Next();
            var env = new Dictionary<string, string>(shared)
            {
                ["Urls"] = $"http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}",
                ["Orleans:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
                ["Orleans:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
                ["Influx:SpoolDirectory"] = Path.Combine(own, "spool"),
                ["AlertJournal:Directory"] = Path.Combine(own, "journal"),
            };
            if (options.Cluster > 0)
            {
                env["Mqtt:ClientId"] = name;
            }
            else
            {
                env["Mqtt:Port"] = MqttPort.ToString(CultureInfo.InvariantCulture);
            }

            foreach (var (key, value) in options.Settings)
            {
                env[key] = value ?? "";
            }

            var node = new ServerNode(name, dll, httpPort, env, Path.Combine(LogDir, name + ".log"));
            _nodes.Add(node);
            // One at a time: the first creates the schema, and two cold starts at once on two cores only take longer.
            await node.StartAsync(ct);
        }

        ColdStart = started.Elapsed;
    }

    /// <summary>
    /// Mosquitto 2 with the shared subscription's broker settings of the tests (no queue cap) and device accounts as
    /// decision 0023 describes for an external broker: one user per gateway (user = client id) allowed to write its
    /// assets' topics, and the silos' one account allowed to read them. Redis for the SignalR backplane.
    /// </summary>
    private async Task StartBrokerAndRedisAsync(LoadOptions options, CancellationToken ct)
    {
        var passwords = Path.Combine(_root, "mosquitto.passwd");
        var acl = new System.Text.StringBuilder();
        acl.Append(CultureInfo.InvariantCulture, $"user {SiloUser}\ntopic read rm/v1/#\n");
        var logins = new DeviceLogin[options.Connections];
        await MosquittoPasswdAsync(passwords, SiloUser, _siloPassword, create: true, ct);
        for (var c = 0; c < options.Connections; c++)
        {
            var user = string.Create(CultureInfo.InvariantCulture, $"load-gw-{c}");
            logins[c] = new DeviceLogin(user, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
            await MosquittoPasswdAsync(passwords, user, logins[c].Password, create: false, ct);
            acl.Append(CultureInfo.InvariantCulture, $"\nuser {user}\n");
            for (var a = c; a < options.Assets; a += options.Connections)
            {
                acl.Append(CultureInfo.InvariantCulture, $"topic write rm/v1/{LoadRegistry.AssetId(a)}/#\n");
            }
        }

        var aclFile = Path.Combine(_root, "mosquitto.acl");
        await File.WriteAllTextAsync(aclFile, acl.ToString(), ct);
        _brokerLogins = logins;
        _mosquitto = ServiceProcess.Mosquitto(passwords, aclFile);
        _redis = ServiceProcess.Redis();
        await Task.WhenAll(_mosquitto.StartAsync(ct), _redis.StartAsync(ct));
    }

    private static async Task MosquittoPasswdAsync(string file, string user, string password, bool create, CancellationToken ct)
    {
        var start = new ProcessStartInfo("mosquitto_passwd") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var arg in (string[])[.. create ? ["-c"] : Array.Empty<string>(), "-b", file, user, password])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("mosquitto_passwd did not start");
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"mosquitto_passwd failed: {await process.StandardError.ReadToEndAsync(ct)}");
        }
    }

    /// <summary>
    /// One gateway credential per connection for the assets that connection carries (decision 0023: a gateway lists
    /// the registered assets it speaks for, at most 10,000), through <c>POST /api/devices</c> with the admin key.
    /// </summary>
    public async Task<DeviceLogin[]> ProvisionGatewaysAsync(int assets, int connections, CancellationToken ct)
    {
        if (_brokerLogins is { } brokerLogins)
        {
            return brokerLogins; // an external broker: the accounts are in its password file (StartBrokerAndRedisAsync)
        }

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

    /// <summary>
    /// What each node says it received and refused (<c>GET /api/ingest/stats</c>): with QoS 0 a refused reading is never
    /// answered, so without this a refusal (rate limit, bad timestamp) would look like a loss in the verdict.
    /// </summary>
    public async Task<Dictionary<string, object>> ReadIngestStatsAsync(string token, CancellationToken ct)
    {
        var result = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var node in _nodes)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(node.BaseUrl, "api/ingest/stats"));
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var response = await _http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                result[node.Name] = $"HTTP {(int)response.StatusCode}";
                continue;
            }

            using var json = JsonDocument.Parse(body);
            var ingestion = json.RootElement.GetProperty("ingestion");
            result[node.Name] = new
            {
                messagesReceived = ingestion.GetProperty("messagesReceived").GetInt64(),
                readingsAccepted = ingestion.GetProperty("readingsAccepted").GetInt64(),
                rejected = ingestion.GetProperty("rejectedByReason").EnumerateObject()
                    .Where(r => r.Value.GetInt64() > 0).ToDictionary(r => r.Name, r => r.Value.GetInt64()),
            };
        }

        return result;
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
        var since = CountReadingsFrom == DateTimeOffset.MinValue ? "" : $" WHERE time >= {CountReadingsFrom.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}ms";
        var series = await _influx!.QueryAsync(Database, "SELECT count(\"ch4_lel\") FROM \"telemetry\"" + since, ct);
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
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        foreach (var service in new[] { _mosquitto, _redis })
        {
            if (service is not null)
            {
                await service.DisposeAsync();
            }
        }

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
        _autogroup?.Dispose();
        _roundRobinSlice?.Dispose();
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
}
