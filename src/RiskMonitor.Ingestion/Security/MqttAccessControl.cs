using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using MQTTnet.Server;
using RiskMonitor.Contracts.Devices;
using RiskMonitor.Domain.Devices;

namespace RiskMonitor.Ingestion.Security;

/// <summary>
/// The broker's gate (issue 11): checks device credentials when a client connects, holds each connection's grant
/// (the assets it may speak for) and rate bucket, and decides every publish and subscription before anything reaches
/// the ingestion pipeline. Refusals are counted in <see cref="IngestionStats"/> and logged with the client id.
/// </summary>
public sealed class MqttAccessControl(
    IDeviceCredentialStore store,
    IngestionStats stats,
    DeadLetterStore deadLetters,
    IOptions<MqttIngestionOptions> options,
    TimeProvider time,
    ILogger<MqttAccessControl> logger)
{
    private const string SessionKey = "rm.session";
    private const int DeadLetterPayloadBytes = 1024;

    private readonly MqttIngestionOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, ClientSession> _sessions = new(StringComparer.Ordinal);

    public bool Required => _options.Authentication == MqttAuthentication.Required;

    /// <summary>Connections currently admitted (by client id).</summary>
    public int LiveSessions => _sessions.Count;

    public async Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        FrozenSet<string>? assets = null;
        string? deviceId = null;
        if (Required)
        {
            var (refusal, code, credential) = await CheckCredentialAsync(e.UserName, e.Password, e.ClientId, e.CancellationToken).ConfigureAwait(false);
            if (refusal is { } reason)
            {
                e.ReasonCode = code;
                stats.Rejected(reason);
                IngestionLog.ConnectionRefused(logger, reason, e.ClientId, e.UserName, e.RemoteEndPoint?.ToString());
                return;
            }

            deviceId = credential!.DeviceId;
            assets = credential.Assets.ToFrozenSet(StringComparer.Ordinal);
            IngestionLog.DeviceConnected(logger, e.ClientId, deviceId, assets.Count);
        }

        var session = new ClientSession(e.ClientId, deviceId, assets, NewBucket());
        e.SessionItems[SessionKey] = session;
        _sessions[e.ClientId] = session; // a takeover replaces the older connection's entry
    }

    /// <summary>
    /// Decides a publish before the pipeline sees it: rate limit, payload size, topic ACL. False means refused: the
    /// message is not processed, not delivered to subscribers and never reaches a grain.
    /// </summary>
    public bool AuthorizePublish(InterceptingPublishEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var message = e.ApplicationMessage;
        var session = Find(e.ClientId, e.SessionItems);
        if (session is null)
        {
            // Not admitted by ValidateConnectionAsync (a message injected by the server itself has no client): with
            // authentication required, fail closed.
            return !Required || Refuse(e, RejectReason.TopicNotAllowed, MqttPubAckReasonCode.NotAuthorized, deadLetter: true);
        }

        if (session.Revoked)
        {
            return Refuse(e, RejectReason.RevokedDevice, MqttPubAckReasonCode.NotAuthorized, deadLetter: false);
        }

        if (session.Bucket is { } bucket && !session.TryTake(bucket, time.GetUtcNow()))
        {
            stats.MessageReceived();
            stats.Rejected(RejectReason.RateLimited);
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.QuotaExceeded;
            // One warning when a client starts to be limited, not one per message: a flood must not flood the log too.
            if (session.StartLimiting())
            {
                IngestionLog.RateLimitStarted(logger, e.ClientId, _options.MaxMessagesPerSecondPerClient);
            }

            return false;
        }

        session.StopLimiting();
        if (message.Payload.Length > _options.MaxPayloadBytes)
        {
            return Refuse(e, RejectReason.Oversized, MqttPubAckReasonCode.PayloadFormatInvalid, deadLetter: true,
                $"{message.Payload.Length} bytes > {_options.MaxPayloadBytes}; the first {DeadLetterPayloadBytes} bytes are kept");
        }

        if (session.Assets is { } assets && DeviceAcl.CanPublish(message.Topic, assets) != AclVerdict.Allowed)
        {
            return Refuse(e, RejectReason.TopicNotAllowed, MqttPubAckReasonCode.NotAuthorized, deadLetter: true,
                $"device {session.DeviceId} may publish only under rm/v1/{{assetId}}/ of its {assets.Count} assets");
        }

        return true;
    }

    public Task AuthorizeSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (!Required)
        {
            return Task.CompletedTask; // anonymous mode: tools may watch the raw stream
        }

        // A device subscribes to nothing, its own assets' topics included (README, decision 0023; issue 24 row 8).
        var filter = e.TopicFilter.Topic ?? string.Empty;
        e.ProcessSubscription = false;
        e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
        stats.Rejected(RejectReason.SubscriptionNotAllowed);
        IngestionLog.SubscriptionRefused(logger, RejectReason.SubscriptionNotAllowed, filter, e.ClientId);
        return Task.CompletedTask;
    }

    public Task ClientDisconnectedAsync(ClientDisconnectedEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        // After a takeover the entry belongs to the newer connection; remove only the session that actually ended.
        if (e.SessionItems[SessionKey] is ClientSession session)
        {
            _sessions.TryRemove(new KeyValuePair<string, ClientSession>(e.ClientId, session));
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Marks every live session of the device revoked (their next publish is refused) and returns their client ids so
    /// that the broker can disconnect them.
    /// </summary>
    public IReadOnlyList<string> EndSessions(string deviceId)
    {
        var ended = new List<string>();
        foreach (var (clientId, session) in _sessions)
        {
            if (session.DeviceId == deviceId)
            {
                session.Revoked = true;
                ended.Add(clientId);
            }
        }

        return ended;
    }

    internal async Task<(RejectReason? Refusal, MqttConnectReasonCode Code, DeviceCredential? Credential)> CheckCredentialAsync(
        string? userName, string? password, string? clientId, CancellationToken cancellationToken)
    {
        var credential = DeviceIds.IsValid(userName) ? await store.FindAsync(userName!, cancellationToken).ConfigureAwait(false) : null;
        if (credential is null)
        {
            DevicePasswords.VerifyNothing(password); // the same cost as a real check: no oracle for which ids exist
            return (RejectReason.UnknownDevice, MqttConnectReasonCode.BadUserNameOrPassword, null);
        }

        // The password is checked before anything else is revealed: only its holder learns that it was revoked.
        if (!DevicePasswords.Verify(password, credential.PasswordHash))
        {
            return (RejectReason.BadPassword, MqttConnectReasonCode.BadUserNameOrPassword, null);
        }

        if (credential.IsRevoked)
        {
            return (RejectReason.RevokedDevice, MqttConnectReasonCode.NotAuthorized, null);
        }

        // One client id per device: any other id could take over (and so cut off) another device's session.
        if (!string.Equals(clientId, credential.DeviceId, StringComparison.Ordinal))
        {
            return (RejectReason.ClientIdMismatch, MqttConnectReasonCode.ClientIdentifierNotValid, null);
        }

        return (null, MqttConnectReasonCode.Success, credential);
    }

    private ClientSession? Find(string? clientId, System.Collections.IDictionary? items) =>
        items?[SessionKey] as ClientSession ?? (clientId is null ? null : _sessions.GetValueOrDefault(clientId));

    private TokenBucket? NewBucket() => _options.MaxMessagesPerSecondPerClient > 0
        ? new TokenBucket(_options.MaxMessagesPerSecondPerClient, Math.Max(1, _options.MessageBurstPerClient), time.GetUtcNow())
        : null;

    private bool Refuse(InterceptingPublishEventArgs e, RejectReason reason, MqttPubAckReasonCode code, bool deadLetter, string? detail = null)
    {
        var message = e.ApplicationMessage;
        stats.MessageReceived();
        stats.Rejected(reason);
        e.ProcessPublish = false;
        e.Response.ReasonCode = code;
        if (deadLetter)
        {
            // Kept for whoever investigates (a forged reading is evidence), but capped: the store is for inspection.
            var payload = message.Payload;
            deadLetters.Add(message.Topic, e.ClientId, payload.Slice(0, Math.Min(payload.Length, DeadLetterPayloadBytes)), reason,
                detail ?? IngestionStats.ReasonName(reason), time.GetUtcNow());
        }

        IngestionLog.PublishRefused(logger, reason, message.Topic, e.ClientId);
        return false;
    }

    private sealed class ClientSession(string clientId, string? deviceId, FrozenSet<string>? assets, TokenBucket? bucket)
    {
        private readonly Lock _gate = new();
        private bool _limiting;

        public string ClientId { get; } = clientId;

        public string? DeviceId { get; } = deviceId;

        /// <summary>Null when authentication is off: no ACL applies.</summary>
        public FrozenSet<string>? Assets { get; } = assets;

        public TokenBucket? Bucket { get; } = bucket;

        public volatile bool Revoked;

        public bool TryTake(TokenBucket tokens, DateTimeOffset now)
        {
            lock (_gate)
            {
                return tokens.TryTake(now);
            }
        }

        /// <summary>True on the first refusal of a run of refusals.</summary>
        public bool StartLimiting()
        {
            lock (_gate)
            {
                var first = !_limiting;
                _limiting = true;
                return first;
            }
        }

        public void StopLimiting()
        {
            lock (_gate)
            {
                _limiting = false;
            }
        }
    }
}
