using System.Diagnostics;
using System.Reflection;
using RiskMonitor.Ingestion;
using RiskMonitor.Server.Escalation;
using RiskMonitor.Server.Platform.Observability;
using RiskMonitor.Server.Platform.Orleans;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.Alerts.Journal;
using RiskMonitor.Storage.Influx;
using RiskMonitor.Storage.Postgres;
using YamlDotNet.RepresentationModel;

namespace RiskMonitor.Server.Tests.Charts;

/// <summary>
/// charts/riskmonitor through a real helm (scripts/ensure-helm.sh puts one in .tools/helm; test.sh runs it): lint,
/// render with default and with every optional value, parse each manifest, and check that every setting the chart
/// passes to the server names a configuration key the server binds. No helm is a failure, not a skip.
/// </summary>
public sealed class HelmChartTests
{
    private static readonly string Root = FindRepositoryRoot();
    private static readonly string Chart = Path.Combine(Root, "charts", "riskmonitor");

    // Every optional branch of the templates switched on.
    private static readonly string[] AllOptions =
    [
        "--set", "registry.configMap=city-registry",
        "--set", "mqtt.credentialsSecret=mqtt-credentials",
        "--set", "influxdb.tokenSecret=influx-token",
        "--set", "influxdb.apiVersion=V2",
        "--set", "influxdb.org=city",
        "--set", "influxdb.bucket=telemetry",
        "--set", "metrics.serviceMonitor.enabled=true",
        "--set", "extraEnv.Escalation__WebhookUrl=https://city.example/hook",
        "--set", "auth.authority=https://sso.city.example/realms/safety",
    ];

    [Fact]
    public async Task The_chart_passes_helm_lint_strict()
    {
        var (exit, output) = await HelmAsync(["lint", "--strict", Chart]);

        Assert.True(exit == 0, output);
        Assert.Contains("0 chart(s) failed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_default_rendering_is_a_statefulset_of_silos_with_probes_services_pdb_config_and_dashboard()
    {
        var manifests = await RenderAsync([]);

        Assert.Equal(
            ["ConfigMap/rm-riskmonitor", "ConfigMap/rm-riskmonitor-dashboard", "PodDisruptionBudget/rm-riskmonitor", "Service/rm-riskmonitor",
             "Service/rm-riskmonitor-silos", "StatefulSet/rm-riskmonitor"],
            manifests.Select(m => $"{m.Kind}/{m.Name}").Order(StringComparer.Ordinal));
        var statefulSet = manifests.Single(m => m.Kind == "StatefulSet").Root;
        Assert.Equal("2", Scalar(statefulSet, "spec", "replicas"));
        var container = (YamlMappingNode)((YamlSequenceNode)Node(statefulSet, "spec", "template", "spec", "containers")).Children.Single();
        Assert.Equal("/health/live", Scalar(container, "livenessProbe", "httpGet", "path"));
        Assert.Equal("/health/ready", Scalar(container, "readinessProbe", "httpGet", "path"));
        Assert.Equal("/health/live", Scalar(container, "startupProbe", "httpGet", "path"));
        Assert.NotNull(Node(container, "resources", "requests", "cpu"));
        var ports = ((YamlSequenceNode)Node(container, "ports")).Children.Select(p => Scalar(p, "name") + "=" + Scalar(p, "containerPort"));
        Assert.Equal(["http=8080", "metrics=9464", "silo=11111", "gateway=30000"], ports);
        var secretEnv = Env(container).Where(e => e.FromSecret is not null).ToDictionary(e => e.Name, e => e.FromSecret);
        Assert.Equal("riskmonitor-postgresql/connection-string", secretEnv["ConnectionStrings__RiskMonitor"]);
        Assert.Equal("riskmonitor-redis/configuration", secretEnv["Redis__Configuration"]);
        Assert.Equal("riskmonitor-auth/signing-key", secretEnv["Auth__SigningKey"]); // one key for every pod
        var config = ConfigData(manifests);
        Assert.Equal("AdoNet", config["Orleans__Membership"]);
        Assert.Equal("External", config["Mqtt__Mode"]);
        Assert.Equal(("http://0.0.0.0:8080;http://0.0.0.0:9464", "9464"), (config["Urls"], config["Metrics__Port"])); // /metrics on its own port
        Assert.DoesNotContain(config.Keys, k => k.Contains("Password", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ConnectionStrings", StringComparison.Ordinal));
        Assert.Equal("1", Scalar(manifests.Single(m => m.Kind == "PodDisruptionBudget").Root, "spec", "maxUnavailable"));
        var silos = manifests.Single(m => m.Name == "rm-riskmonitor-silos").Root;
        Assert.Equal("None", Scalar(silos, "spec", "clusterIP"));
        var dashboard = Scalar(manifests.Single(m => m.Name == "rm-riskmonitor-dashboard").Root, "data", "riskmonitor.json");
        Assert.Equal(File.ReadAllText(Path.Combine(Chart, "dashboards", "riskmonitor.json")).TrimEnd(), dashboard.TrimEnd());
    }

    [Fact]
    public async Task Every_setting_the_chart_passes_names_a_configuration_key_the_server_binds()
    {
        foreach (var options in new[] { [], AllOptions })
        {
            var manifests = await RenderAsync(options);
            var container = (YamlMappingNode)((YamlSequenceNode)Node(manifests.Single(m => m.Kind == "StatefulSet").Root, "spec", "template", "spec", "containers")).Children.Single();
            var names = ConfigData(manifests).Keys.Concat(Env(container).Select(e => e.Name)).ToList();

            Assert.NotEmpty(names);
            Assert.All(names, name => Assert.True(IsKnownKey(name.Split("__")), $"{name} is not a configuration key the server reads"));
        }
    }

    [Fact]
    public async Task With_every_option_on_the_registry_credentials_token_and_service_monitor_are_rendered()
    {
        var manifests = await RenderAsync(AllOptions);

        Assert.Contains(manifests, m => m.Kind == "ServiceMonitor");
        var statefulSet = manifests.Single(m => m.Kind == "StatefulSet").Root;
        var container = (YamlMappingNode)((YamlSequenceNode)Node(statefulSet, "spec", "template", "spec", "containers")).Children.Single();
        var secrets = Env(container).Where(e => e.FromSecret is not null).Select(e => e.Name).ToList();
        Assert.Contains("Mqtt__Broker__Password", secrets);
        Assert.Contains("Influx__Token", secrets);
        Assert.Equal("city-registry", Scalar(((YamlSequenceNode)Node(statefulSet, "spec", "template", "spec", "volumes")).Children[0], "configMap", "name"));
        Assert.Equal("/etc/riskmonitor/registry/assets.geojson", ConfigData(manifests)["Registry__AssetsPath"]);
    }

    [Theory]
    [InlineData(2, 100, 12, 12, 6)] // the default: 3 x 30 = 90 of 100 - 10 reserved
    [InlineData(3, 100, 8, 8, 6)] // 4 x 22 = 88
    [InlineData(2, 500, 16, 16, 8)] // room to spare: the server's own defaults, never more
    public async Task PostgreSQL_pools_are_sized_so_every_replica_and_one_being_replaced_fit_in_max_connections(
        int replicas, int maxConnections, int stores, int orleans, int grainState)
    {
        var manifests = await RenderAsync(["--set", $"replicaCount={replicas}", "--set", $"postgresql.maxConnections={maxConnections}"]);

        var config = ConfigData(manifests);
        var pools = (int.Parse(config["Postgres__MaxPoolSize"]), int.Parse(config["Postgres__OrleansMaxPoolSize"]), int.Parse(config["Postgres__GrainStateMaxPoolSize"]));
        Assert.Equal((stores, orleans, grainState), pools);
        Assert.True((replicas + 1) * (stores + orleans + grainState) <= maxConnections - 10);
    }

    [Fact]
    public async Task A_replica_count_or_pool_size_the_server_cannot_hold_is_refused_with_the_arithmetic()
    {
        var (tooMany, output) = await HelmAsync(["template", "rm", Chart, "--set", "replicaCount=30"]);
        var (tooBig, bigOutput) = await HelmAsync(["template", "rm", Chart, "--set", "postgresql.pools.stores=40"]);

        Assert.NotEqual(0, tooMany);
        Assert.Contains("31 pods (replicaCount 30 and one being replaced)", output, StringComparison.Ordinal);
        Assert.Contains("max_connections", output, StringComparison.Ordinal);
        Assert.NotEqual(0, tooBig);
        Assert.Contains("x 58 connections (stores 40, orleans 12, grainState 6", bigOutput, StringComparison.Ordinal);
    }

    // A key is known when its section is one the server binds and each further part is a property on it (nested
    // sections included), or it is one of the few keys read directly.
    private static bool IsKnownKey(string[] parts)
    {
        if (parts is ["Urls"] or ["ConnectionStrings", "RiskMonitor"])
        {
            return true;
        }

        var sections = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
        {
            [OrleansHostOptions.SectionName] = typeof(OrleansHostOptions),
            [MqttIngestionOptions.SectionName] = typeof(MqttIngestionOptions),
            [InfluxOptions.SectionName] = typeof(InfluxOptions),
            [RegistryOptions.SectionName] = typeof(RegistryOptions),
            [EscalationOptions.SectionName] = typeof(EscalationOptions),
            [RedisOptions.SectionName] = typeof(RedisOptions),
            [AuthOptions.SectionName] = typeof(AuthOptions),
            [AlertJournalOptions.SectionName] = typeof(AlertJournalOptions),
            [PostgresPoolOptions.SectionName] = typeof(PostgresPoolOptions),
            [MetricsOptions.SectionName] = typeof(MetricsOptions),
        };
        if (parts.Length < 2 || !sections.TryGetValue(parts[0], out var type))
        {
            return false;
        }

        foreach (var part in parts.Skip(1))
        {
            var property = type.GetProperty(part, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || !property.CanWrite)
            {
                return false;
            }

            type = property.PropertyType;
        }

        return true;
    }

    private sealed record Manifest(string Kind, string Name, YamlMappingNode Root);

    private static async Task<List<Manifest>> RenderAsync(string[] options)
    {
        var (exit, output) = await HelmAsync(["template", "rm", Chart, .. options]);
        Assert.True(exit == 0, output);
        var stream = new YamlStream();
        stream.Load(new StringReader(output)); // throws on any document that is not valid YAML
        var manifests = new List<Manifest>();
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is not YamlMappingNode root)
            {
                continue; // an empty document between two "---"
            }

            Assert.False(string.IsNullOrEmpty(Scalar(root, "apiVersion")), "every manifest has an apiVersion");
            manifests.Add(new Manifest(Scalar(root, "kind"), Scalar(root, "metadata", "name"), root));
        }

        Assert.NotEmpty(manifests);
        return manifests;
    }

    private static Dictionary<string, string> ConfigData(List<Manifest> manifests) =>
        ((YamlMappingNode)Node(manifests.Single(m => m.Name == "rm-riskmonitor" && m.Kind == "ConfigMap").Root, "data")).Children
            .ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value!);

    private static IEnumerable<(string Name, string? FromSecret)> Env(YamlMappingNode container) =>
        ((YamlSequenceNode)Node(container, "env")).Children.Cast<YamlMappingNode>().Select(e =>
        {
            var secret = e.Children.TryGetValue("valueFrom", out var from) && ((YamlMappingNode)from).Children.ContainsKey("secretKeyRef")
                ? Scalar(from, "secretKeyRef", "name") + "/" + Scalar(from, "secretKeyRef", "key")
                : null;
            return (Scalar(e, "name"), secret);
        });

    private static YamlNode Node(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            Assert.True(node is YamlMappingNode map && map.Children.ContainsKey(key), $"missing '{key}' in {string.Join(".", path)}");
            node = ((YamlMappingNode)node).Children[key];
        }

        return node;
    }

    private static string Scalar(YamlNode node, params string[] path) => ((YamlScalarNode)Node(node, path)).Value ?? "";

    private static async Task<(int Exit, string Output)> HelmAsync(string[] arguments)
    {
        var helm = FindHelm();
        var start = new ProcessStartInfo(helm) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string FindHelm()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("RM_HELM"), Path.Combine(Root, ".tools", "helm", "helm") }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, "helm")));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("No helm binary: run scripts/ensure-helm.sh (test.sh does), or set RM_HELM.");
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RiskMonitor.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("RiskMonitor.sln not found above " + AppContext.BaseDirectory);
    }
}
