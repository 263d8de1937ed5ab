namespace RiskMonitor.Server.Integration;

internal static partial class IntegrationLog
{
    [LoggerMessage(EventId = 4901, Level = LogLevel.Information, Message = "Webhook {SubscriptionId} delivering to {Url} from cursor {Cursor}")]
    public static partial void LoopStarted(ILogger logger, string subscriptionId, Uri url, long cursor);

    [LoggerMessage(EventId = 4902, Level = LogLevel.Information, Message = "Webhook {SubscriptionId} stopped")]
    public static partial void LoopStopped(ILogger logger, string subscriptionId);

    [LoggerMessage(EventId = 4903, Level = LogLevel.Debug, Message = "Webhook {SubscriptionId} delivery of cursor {Cursor} failed (attempt {Attempt}): {Error}; next try in {Delay}")]
    public static partial void DeliveryFailed(ILogger logger, string subscriptionId, long cursor, int attempt, string error, TimeSpan delay);

    [LoggerMessage(EventId = 4904, Level = LogLevel.Warning, Message = "Webhook {SubscriptionId} is failing: no successful delivery since {Since} ({Error})")]
    public static partial void MarkedFailing(ILogger logger, string subscriptionId, DateTimeOffset? since, string? error);

    [LoggerMessage(EventId = 4905, Level = LogLevel.Information, Message = "Webhook {SubscriptionId} answers again; resumed at cursor {Cursor}")]
    public static partial void Resumed(ILogger logger, string subscriptionId, long cursor);

    [LoggerMessage(EventId = 4906, Level = LogLevel.Error, Message = "Webhook {SubscriptionId} loop error; retrying")]
    public static partial void LoopError(ILogger logger, string subscriptionId, Exception exception);

    [LoggerMessage(EventId = 4907, Level = LogLevel.Error, Message = "Reading the webhook subscriptions failed; retrying")]
    public static partial void RefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4908, Level = LogLevel.Information, Message = "API key {KeyId} issued to {Integrator} with scopes {Scopes} by {Actor}")]
    public static partial void KeyIssued(ILogger logger, string keyId, string integrator, string scopes, string actor);

    [LoggerMessage(EventId = 4909, Level = LogLevel.Information, Message = "API key {KeyId} revoked by {Actor}")]
    public static partial void KeyRevoked(ILogger logger, string keyId, string actor);

    [LoggerMessage(EventId = 4910, Level = LogLevel.Error, Message = "Appending region.changed for {RegionId} failed; retrying at the next tick")]
    public static partial void RegionAppendFailed(ILogger logger, string regionId, Exception exception);
}
