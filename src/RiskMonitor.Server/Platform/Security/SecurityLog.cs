namespace RiskMonitor.Server.Platform.Security;

internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 4401, Level = LogLevel.Warning,
        Message = "Auth:SigningKey is not set: tokens are signed with a key of this process only and die with a restart")]
    public static partial void EphemeralSigningKey(ILogger logger);

    [LoggerMessage(EventId = 4402, Level = LogLevel.Warning, Message = "Sign-in refused for {Name} from {Client}")]
    public static partial void SignInRefused(ILogger logger, string name, string? client);

    [LoggerMessage(EventId = 4403, Level = LogLevel.Information, Message = "Signed in {Name} ({Roles}) from {Client}")]
    public static partial void SignedIn(ILogger logger, string name, string roles, string? client);

    [LoggerMessage(EventId = 4404, Level = LogLevel.Information, Message = "Seeded {Count} accounts from Auth:Users")]
    public static partial void Seeded(ILogger logger, int count);

    [LoggerMessage(EventId = 4405, Level = LogLevel.Warning, Message = "Refused {Method} {Path} for {Actor}: {Reason}")]
    public static partial void Refused(ILogger logger, string method, string path, string actor, string reason);

    [LoggerMessage(EventId = 4406, Level = LogLevel.Error, Message = "Could not write {Count} audit records; kept for the next attempt")]
    public static partial void AuditWriteFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 4407, Level = LogLevel.Error, Message = "Audit queue full: dropped an audit record of {Method} {Path} by {Actor}")]
    public static partial void AuditDropped(ILogger logger, string method, string path, string actor);

    [LoggerMessage(EventId = 4408, Level = LogLevel.Information, Message = "Closed hub connection {ConnectionId} of {Name}: the account is disabled")]
    public static partial void HubConnectionClosed(ILogger logger, string connectionId, string name);

    [LoggerMessage(EventId = 4409, Level = LogLevel.Information, Message = "Regrouped hub connection {ConnectionId} of {Name} after an account change: left {Left}")]
    public static partial void HubConnectionRegrouped(ILogger logger, string connectionId, string name, string left);

    [LoggerMessage(EventId = 4410, Level = LogLevel.Error, Message = "Rechecking the hub connections' accounts failed; trying again next interval")]
    public static partial void HubRecheckFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4411, Level = LogLevel.Warning, Message = "Sign-in for {Name} from {Client} refused unchecked after wrong passwords in a row; next attempt in {Wait}")]
    public static partial void SignInThrottled(ILogger logger, string name, string? client, TimeSpan wait);
}
