namespace RiskMonitor.Server;

internal static partial class ServerLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Pushing {Method} to SignalR clients failed")]
    public static partial void FanOutFailed(ILogger logger, Exception exception, string method);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Loaded {AssetCount} assets from {Path}")]
    public static partial void RegistryLoaded(ILogger logger, int assetCount, string path);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "RiskMonitor is up: HTTP {Urls}, MQTT {MqttAddress}:{MqttPort}, API reference at {ReferenceUrl}")]
    public static partial void Started(ILogger logger, string urls, string mqttAddress, int mqttPort, string referenceUrl);
}
