using System.ComponentModel.DataAnnotations;

namespace RiskMonitor.Ingestion;

public sealed class MqttIngestionOptions
{
    public const string SectionName = "Mqtt";

    /// <summary>
    /// <see cref="MqttMode.Embedded"/>: this process hosts the broker (one node). <see cref="MqttMode.External"/>: this
    /// process is a client of a clustered broker and shares the stream with the other silos (DESIGN.md §1).
    /// </summary>
    public MqttMode Mode { get; set; } = MqttMode.Embedded;

    /// <summary>External mode: where the broker is.</summary>
    public MqttBrokerOptions Broker { get; set; } = new();

    /// <summary>
    /// External mode: this silo's client id. It must be stable across restarts (the broker keeps the session under it)
    /// and unique per silo; default: the machine name (the pod name in a StatefulSet).
    /// </summary>
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$")] public string? ClientId { get; set; }

    /// <summary>External mode: the shared-subscription group all silos join: <c>$share/{group}/rm/v1/+/+</c>.</summary>
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$")] public string SharedGroup { get; set; } = "riskmonitor";

    /// <summary>An IPv4 address; loopback until an operator opens it (0.0.0.0 listens on every interface).</summary>
    [Required] public string BindAddress { get; set; } = "127.0.0.1";

    [Range(1, 65535)] public int Port { get; set; } = 1883;

    /// <summary>DESIGN.md §2: payloads over 64 KiB are rejected as oversized.</summary>
    [Range(1, 1_048_576)] public int MaxPayloadBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Largest MQTT packet (remaining length) a signed-in client may send; a larger one closes the connection before
    /// its body is read (MQTTnet would allocate it whole). Above <see cref="MaxPayloadBytes"/> so that a payload a little
    /// over its limit still gets the polite refusal (PUBACK, counted <c>oversized</c>, dead-lettered).
    /// </summary>
    [Range(1024, 268_435_455)] public int MaxPacketBytes { get; set; } = 128 * 1024;

    /// <summary>Largest CONNECT packet, read before the client has signed in (client id, credentials, a small will).</summary>
    [Range(64, 268_435_455)] public int MaxConnectPacketBytes { get; set; } = 16 * 1024;

    /// <summary>
    /// Time from accepting a connection to a complete CONNECT (TLS handshake included); then the connection is closed.
    /// HiveMQ's no-connect idle timeout is 10 s, EMQX's idle_timeout 15 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")] public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Readings more than this far in the future are rejected (device clock wrong).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")] public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Dead letters kept (newest win); with <see cref="DeadLetterMaxBytes"/> this bounds their memory.</summary>
    [Range(1, 1_000_000)] public int DeadLetterCapacity { get; set; } = 1000;

    [Range(1024, 1L << 32)] public long DeadLetterMaxBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>Parallel lanes to grains. An asset always maps to the same lane, so its messages keep their order.</summary>
    [Range(1, 4096)] public int DispatchLanes { get; set; } = 64;

    /// <summary>Messages queued per lane before the broker waits (MQTT back-pressure) instead of buffering more.</summary>
    [Range(1, 1_000_000)] public int LaneCapacity { get; set; } = 2048;

    /// <summary>
    /// Attempts to hand a message to its grain when the grain itself refuses it (an error in the grain's code) before
    /// it is dead-lettered as dispatch_failed; waits between them double from 0.1 s to 5 s.
    /// </summary>
    [Range(1, 50)] public int DispatchAttempts { get; set; } = 3;

    /// <summary>
    /// How long a message is retried when the failure is the platform's, not the grain's: a silo that died and is not
    /// yet declared dead, an activation that needs PostgreSQL while it is down, a timeout. The lane waits meanwhile
    /// (order per asset kept; the broker slows the publisher), and only after this is the message dead-lettered.
    /// Longer than membership takes to declare a dead silo dead and than a typical database restart.
    /// </summary>
    public TimeSpan DispatchRetryWindow { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>
    /// <c>Required</c>: every client logs in with a provisioned device credential and is held to its topic ACL.
    /// <c>None</c>: anonymous clients may publish anything (tests of the data path, a lab). docs/decisions/0023.
    /// </summary>
    public MqttAuthentication Authentication { get; set; } = MqttAuthentication.Required;

    /// <summary>Sustained messages per second one connection may publish; 0 turns the limit off. A gateway speaks for many devices.</summary>
    [Range(0, 1_000_000)] public double MaxMessagesPerSecondPerClient { get; set; } = 500;

    /// <summary>Messages a connection may send at once (the bucket size), e.g. a backlog after a reconnect.</summary>
    [Range(1, 10_000_000)] public double MessageBurstPerClient { get; set; } = 2000;

    /// <summary>Port of the TLS listener; off unless <see cref="TlsCertificatePath"/> is set.</summary>
    [Range(1, 65535)] public int TlsPort { get; set; } = 8883;

    /// <summary>A PKCS#12 (.pfx) file with the server certificate and key; set it to open the TLS listener.</summary>
    public string? TlsCertificatePath { get; set; }

    public string? TlsCertificatePassword { get; set; }

    /// <summary>With TLS on, whether the plain listener on <see cref="Port"/> stays open (off closes it).</summary>
    public bool PlainListener { get; set; } = true;
}

public enum MqttMode
{
    Embedded,
    External,
}

/// <summary>The external broker (EMQX, HiveMQ, Mosquitto) in <see cref="MqttMode.External"/>.</summary>
public sealed class MqttBrokerOptions
{
    [Required] public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535)] public int Port { get; set; } = 1883;

    public string? Username { get; set; }

    public string? Password { get; set; }

    public bool UseTls { get; set; }

    /// <summary>How long the broker keeps this silo's session (and queues its QoS 1 messages) while it is away.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")] public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The longest wait between reconnect attempts (the first retry is after one second, doubling).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")] public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether a survivor takes over the session of a silo that membership declared dead, so the messages the broker
    /// queued for it are processed now instead of when (if) that silo returns. docs/decisions/0029.
    /// </summary>
    public bool TakeOverDeadSessions { get; set; } = true;

    /// <summary>
    /// A stopping silo's hand-off (it unsubscribed) is done once nothing arrived and everything it was given is
    /// acknowledged for this long; short, as the broker sends what it queued for the session at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:30")] public TimeSpan HandOffQuietPeriod { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A taken-over session counts as drained once nothing arrived and everything was acknowledged for this long.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")] public TimeSpan TakeoverQuietPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest a takeover may take; past it the session is left with what remains (never deleted unprocessed).</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")] public TimeSpan TakeoverMaxDrainTime { get; set; } = TimeSpan.FromMinutes(10);
}

public enum MqttAuthentication
{
    None,
    Required,
}
