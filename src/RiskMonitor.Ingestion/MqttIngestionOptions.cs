using System.ComponentModel.DataAnnotations;

namespace RiskMonitor.Ingestion;

public sealed class MqttIngestionOptions
{
    public const string SectionName = "Mqtt";

    /// <summary>An IPv4 address; loopback until an operator opens it (0.0.0.0 listens on every interface).</summary>
    [Required] public string BindAddress { get; set; } = "127.0.0.1";

    [Range(1, 65535)] public int Port { get; set; } = 1883;

    /// <summary>DESIGN.md §2: payloads over 64 KiB are rejected as oversized.</summary>
    [Range(1, 1_048_576)] public int MaxPayloadBytes { get; set; } = 64 * 1024;

    /// <summary>Readings more than this far in the future are rejected (device clock wrong).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")] public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Dead letters kept (newest win); with <see cref="DeadLetterMaxBytes"/> this bounds their memory.</summary>
    [Range(1, 1_000_000)] public int DeadLetterCapacity { get; set; } = 1000;

    [Range(1024, 1L << 32)] public long DeadLetterMaxBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>Parallel lanes to grains. An asset always maps to the same lane, so its messages keep their order.</summary>
    [Range(1, 4096)] public int DispatchLanes { get; set; } = 64;

    /// <summary>Messages queued per lane before the broker waits (MQTT back-pressure) instead of buffering more.</summary>
    [Range(1, 1_000_000)] public int LaneCapacity { get; set; } = 2048;

    /// <summary>Attempts to hand a message to its grain before it is dead-lettered as dispatch_failed.</summary>
    [Range(1, 20)] public int DispatchAttempts { get; set; } = 3;

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

public enum MqttAuthentication
{
    None,
    Required,
}
