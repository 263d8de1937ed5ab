using Microsoft.Extensions.Logging;

namespace RiskMonitor.Simulator.Hosting;

/// <summary>The simulator's log messages; event ids 5xxx (the simulator's block, after Server's 4xxx).</summary>
internal static partial class SimulatorLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information,
        Message = "Simulating {AssetCount} assets over {Gateways} gateway connection(s) to {Host}:{Port}; {Rate:F0} readings/s (the assets' own intervals give {NaturalRate:F0}/s, so intervals are scaled x{Scale:F2}), batch {Batch}, QoS {Qos}")]
    public static partial void Starting(ILogger logger, int assetCount, int gateways, string host, int port, double rate, double naturalRate, double scale, int batch, int qos);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Skipped {Count} feature(s) of the asset file, e.g. {Example}")]
    public static partial void SkippedFeatures(ILogger logger, int count, string example);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Gateway {ClientId} connected; published retained status for {AssetCount} assets")]
    public static partial void GatewayConnected(ILogger logger, string clientId, int assetCount);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Gateway {ClientId} cannot reach the broker at {Host}:{Port} ({Reason}); retrying every {RetrySeconds} s")]
    public static partial void GatewayUnreachable(ILogger logger, string clientId, string host, int port, string reason, double retrySeconds);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "Gateway {ClientId} lost its connection; its readings are dropped until it reconnects")]
    public static partial void GatewayLost(ILogger logger, string clientId);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information,
        Message = "Sent {Readings} readings in {Messages} messages ({Rate:F0} readings/s over the last {Seconds:F0} s); dropped {Dropped}, silenced {Suppressed}; gateways {Connected}/{Gateways}; scenarios {Scenarios}")]
    public static partial void Progress(ILogger logger, long readings, long messages, double rate, double seconds, long dropped, long suppressed, int connected, int gateways, int scenarios);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Information, Message = "Scenario {RunId}: {Description}")]
    public static partial void ScenarioStarted(ILogger logger, string runId, string description);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Warning, Message = "Scenario {Scenario} refused: {Reason}")]
    public static partial void ScenarioRefused(ILogger logger, string scenario, string reason);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Information, Message = "Published {Description} on {Topic}")]
    public static partial void ScenarioMessage(ILogger logger, string description, string topic);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Debug, Message = "Publish on {Topic} failed")]
    public static partial void PublishFailed(ILogger logger, string topic, Exception exception);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Information, Message = "Stopping: published retained 'offline' for {AssetCount} assets and disconnected")]
    public static partial void Stopped(ILogger logger, int assetCount);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Information, Message = "HTTP control on http://127.0.0.1:{Port}/ (GET /scenarios, POST /scenarios/NAME?asset=ID)")]
    public static partial void HttpControl(ILogger logger, int port);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Information,
        Message = "Demo mode: scenarios start on their own (gas leak, entrapment, over-pressure, vehicle off route, silent sensor), the first at {FirstAt:HH:mm:ss}")]
    public static partial void DemoMode(ILogger logger, DateTimeOffset firstAt);

    [LoggerMessage(EventId = 5020, Level = LogLevel.Information, Message = "Gateway {ClientId} provisioned as an MQTT device for {AssetCount} assets")]
    public static partial void GatewayProvisioned(ILogger logger, string clientId, int assetCount);

    [LoggerMessage(EventId = 5021, Level = LogLevel.Warning, Message = "Provisioning gateway {ClientId} at {Url} failed ({Reason}); retrying")]
    public static partial void ProvisioningRetry(ILogger logger, string clientId, string url, string reason);
}
