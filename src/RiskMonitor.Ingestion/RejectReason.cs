namespace RiskMonitor.Ingestion;

/// <summary>Why input was refused. Each is counted and shown under its snake_case name in the API and metrics.</summary>
public enum RejectReason
{
    /// <summary>Not <c>rm/v1/{assetId}/{channel}</c>.</summary>
    InvalidTopic,

    /// <summary>The asset id segment is not <c>[A-Za-z0-9._-]{1,64}</c>.</summary>
    InvalidAssetId,

    /// <summary>A well-formed id that the registry does not know; assets are never created from traffic.</summary>
    UnknownAsset,

    /// <summary>A channel other than telemetry, event, status, position, drill.</summary>
    UnknownChannel,

    /// <summary>A valid channel this version does not process yet (hazmat vehicle positions).</summary>
    UnsupportedChannel,

    /// <summary>Payload larger than the configured limit (64 KiB).</summary>
    Oversized,

    /// <summary>Not JSON, or JSON cut off.</summary>
    InvalidJson,

    /// <summary>JSON of the wrong shape: a string where a number belongs, values not an object, and so on.</summary>
    WrongType,

    /// <summary>NaN, Infinity or a number too large for a double.</summary>
    NonFiniteValue,

    /// <summary>A sample without any value.</summary>
    MissingValues,

    /// <summary>An empty batch <c>[]</c>.</summary>
    EmptyBatch,

    /// <summary><c>ts</c> neither unix milliseconds nor RFC 3339 with an offset.</summary>
    InvalidTimestamp,

    /// <summary><c>ts</c> more than the allowed skew in the future.</summary>
    FutureTimestamp,

    /// <summary>A metric name outside <c>[A-Za-z0-9_.-]{1,64}</c>.</summary>
    InvalidMetricName,

    /// <summary>A status payload other than <c>online</c>/<c>offline</c>.</summary>
    InvalidStatus,

    /// <summary>An event without a valid code or with a non-boolean <c>active</c>.</summary>
    InvalidEvent,

    /// <summary>A position without finite <c>lon</c> in [-180, 180] and <c>lat</c> in [-90, 90], or with a bad speed or cargo.</summary>
    InvalidPosition,

    /// <summary>The asset's grain could not take the message after every retry.</summary>
    DispatchFailed,

    // Refusals at the broker (issue 11). Connection refusals are counted here too, one per refused connection, so every
    // refusal shows in the same counters; none of these ever reaches the parser or a grain.

    /// <summary>A connection without a user name, or naming a device that was never provisioned.</summary>
    UnknownDevice,

    /// <summary>A connection whose password does not match the device's.</summary>
    BadPassword,

    /// <summary>A connection by a revoked device (right password, but revoked).</summary>
    RevokedDevice,

    /// <summary>A connection whose MQTT client id is not its device id (it could take over another device's session).</summary>
    ClientIdMismatch,

    /// <summary>A publish outside <c>rm/v1/{assetId}/</c> of the assets the device may speak for (topic ACL).</summary>
    TopicNotAllowed,

    /// <summary>A device's subscription: devices subscribe to nothing, their own assets' topics included.</summary>
    SubscriptionNotAllowed,

    /// <summary>
    /// A packet that declared more than the broker reads (<c>Mqtt:MaxConnectPacketBytes</c> before sign-in,
    /// <c>Mqtt:MaxPacketBytes</c> after): the connection is closed before the body is read.
    /// </summary>
    PacketTooLarge,

    /// <summary>A connection that did not complete its TLS handshake and CONNECT within <c>Mqtt:ConnectTimeout</c>.</summary>
    ConnectTimeout,

    /// <summary>A publish over the client's message-rate limit (token bucket).</summary>
    RateLimited,

    /// <summary>A drill inject (<c>rm/v1/{assetId}/drill</c>) without a valid drill id, or with neither or both of telemetry and event.</summary>
    InvalidDrill,
}
