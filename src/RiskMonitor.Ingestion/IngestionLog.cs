using Microsoft.Extensions.Logging;

namespace RiskMonitor.Ingestion;

internal static partial class IngestionLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "MQTT broker listening on {Address}:{Port}")]
    public static partial void BrokerStarted(ILogger logger, string address, int port);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "Rejected {Reason} on {Topic} from {ClientId}: {Detail}")]
    public static partial void Rejected(ILogger logger, RejectReason reason, string topic, string? clientId, string detail);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Handing a message to asset {AssetId} failed (attempt {Attempt}); retrying")]
    public static partial void DispatchRetry(ILogger logger, Exception exception, string assetId, int attempt);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "Gave up handing {Count} reading(s) to asset {AssetId}; dead-lettered")]
    public static partial void DispatchFailed(ILogger logger, Exception exception, string assetId, int count);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Error, Message = "Unexpected error while ingesting {Topic}; message dead-lettered")]
    public static partial void IngestError(ILogger logger, Exception exception, string topic);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "MQTT broker stopped")]
    public static partial void BrokerStopped(ILogger logger);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "MQTT connection refused ({Reason}) for client {ClientId}, user {UserName}, from {Endpoint}")]
    public static partial void ConnectionRefused(ILogger logger, RejectReason reason, string? clientId, string? userName, string? endpoint);

    [LoggerMessage(EventId = 1024, Level = LogLevel.Warning, Message = "MQTT connection from {Endpoint} closed: a packet declared {Declared} bytes, over the limit of {Limit} (signed in: {SignedIn}); its body was not read")]
    public static partial void PacketTooLarge(ILogger logger, string? endpoint, long declared, int limit, bool signedIn);

    [LoggerMessage(EventId = 1025, Level = LogLevel.Warning, Message = "MQTT connection from {Endpoint} closed: no complete CONNECT within {Timeout}")]
    public static partial void ConnectTimedOut(ILogger logger, string? endpoint, TimeSpan timeout);

    [LoggerMessage(EventId = 1026, Level = LogLevel.Debug, Message = "MQTT connection from {Endpoint} ended with {ErrorType}: {Message}")]
    public static partial void ConnectionFailed(ILogger logger, string? endpoint, string errorType, string message);

    [LoggerMessage(EventId = 1028, Level = LogLevel.Error, Message = "MQTT connection from {Endpoint} ended with an unexpected error")]
    public static partial void ConnectionCrashed(ILogger logger, Exception exception, string? endpoint);

    [LoggerMessage(EventId = 1027, Level = LogLevel.Warning, Message = "MQTT listener {Endpoint} could not accept a connection")]
    public static partial void AcceptFailed(ILogger logger, Exception exception, string endpoint);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "MQTT publish refused ({Reason}) on {Topic} from client {ClientId}")]
    public static partial void PublishRefused(ILogger logger, RejectReason reason, string topic, string? clientId);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "MQTT subscription refused ({Reason}) to {TopicFilter} from client {ClientId}")]
    public static partial void SubscriptionRefused(ILogger logger, RejectReason reason, string topicFilter, string? clientId);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Warning, Message = "MQTT client {ClientId} is over its rate limit of {RatePerSecond}/s; its messages are refused until it slows down")]
    public static partial void RateLimitStarted(ILogger logger, string? clientId, double ratePerSecond);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Information, Message = "MQTT client {ClientId} connected as device {DeviceId} ({AssetCount} assets)")]
    public static partial void DeviceConnected(ILogger logger, string? clientId, string deviceId, int assetCount);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Warning, Message = "Device {DeviceId} revoked by {Actor}; {Sessions} live session(s) disconnected")]
    public static partial void DeviceRevoked(ILogger logger, string deviceId, string actor, int sessions);

    [LoggerMessage(EventId = 1016, Level = LogLevel.Information, Message = "Device {DeviceId} provisioned by {Actor} for {AssetCount} assets")]
    public static partial void DeviceProvisioned(ILogger logger, string deviceId, string actor, int assetCount);

    [LoggerMessage(EventId = 1017, Level = LogLevel.Information, Message = "MQTT TLS listener on {Address}:{Port}")]
    public static partial void TlsListening(ILogger logger, string address, int port);

    [LoggerMessage(EventId = 1018, Level = LogLevel.Warning, Message = "MQTT authentication is off (Mqtt:Authentication = None): any client may publish for any asset")]
    public static partial void AuthenticationOff(ILogger logger);

    [LoggerMessage(EventId = 1019, Level = LogLevel.Information, Message = "Device {DeviceId} secret rotated by {Actor}; {Sessions} live session(s) disconnected")]
    public static partial void DeviceRotated(ILogger logger, string deviceId, string actor, int sessions);
    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "Connected to MQTT broker {Host}:{Port} as {ClientId}, subscribed to {TopicFilter} (session resumed: {SessionPresent})")]
    public static partial void BrokerConnected(ILogger logger, string host, int port, string clientId, string topicFilter, bool sessionPresent);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Cannot connect to MQTT broker {Host}:{Port}; retrying in {Delay}")]
    public static partial void BrokerConnectFailed(ILogger logger, Exception exception, string host, int port, TimeSpan delay);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Warning, Message = "Could not acknowledge a message on {Topic}; the broker will deliver it again")]
    public static partial void AcknowledgeFailed(ILogger logger, Exception exception, string topic);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Warning, Message = "Taking over the broker session of dead silo {ClientId} (session present: {SessionPresent})")]
    public static partial void SessionTakeoverStarted(ILogger logger, string clientId, bool sessionPresent);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Warning, Message = "Broker session of dead silo {ClientId} drained ({Received} messages) and ended")]
    public static partial void SessionTakeoverDone(ILogger logger, string clientId, int received);

    [LoggerMessage(EventId = 1022, Level = LogLevel.Warning, Message = "Taking over the broker session of {ClientId} was interrupted after {Received} messages: the client id is connected elsewhere")]
    public static partial void SessionTakeoverInterrupted(ILogger logger, string clientId, int received);

    [LoggerMessage(EventId = 1023, Level = LogLevel.Error, Message = "Broker session of dead silo {ClientId} not drained within {Limit} ({Received} messages taken); left in place")]
    public static partial void SessionTakeoverGaveUp(ILogger logger, string clientId, int received, TimeSpan limit);

    [LoggerMessage(EventId = 1029, Level = LogLevel.Information, Message = "Stopping: {ClientId} left the shared subscription and processed everything it was given")]
    public static partial void SharedSubscriptionHandedOff(ILogger logger, string clientId);

    [LoggerMessage(EventId = 1030, Level = LogLevel.Warning,
        Message = "Stopping: {ClientId} left the shared subscription, but {Unacknowledged} message(s) were not processed in time; the broker delivers them again on return")]
    public static partial void SharedSubscriptionHandOffIncomplete(ILogger logger, string clientId, int unacknowledged);
}
