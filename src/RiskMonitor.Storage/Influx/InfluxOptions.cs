using System.ComponentModel.DataAnnotations;

namespace RiskMonitor.Storage.Influx;

/// <summary>Which InfluxDB write API the writer posts to.</summary>
public enum InfluxApiVersion
{
    /// <summary><c>/write?db=&amp;precision=ms</c>: served by InfluxDB 1.x, and by 2.x and 3.x for compatibility.</summary>
    V1,

    /// <summary><c>/api/v2/write?org=&amp;bucket=&amp;precision=ms</c> with <c>Authorization: Token ...</c> (2.x, 3.x).</summary>
    V2,
}

/// <summary>Where and how readings are written to InfluxDB (configuration section <c>Influx</c>).</summary>
public sealed class InfluxOptions : IValidatableObject
{
    public const string SectionName = "Influx";

    /// <summary>Base address of InfluxDB; loopback until an operator points it elsewhere.</summary>
    [Required] public Uri Url { get; set; } = new("http://127.0.0.1:8086");

    public InfluxApiVersion ApiVersion { get; set; } = InfluxApiVersion.V1;

    /// <summary>V1 database. Restricted to a plain name so it can be put into <c>CREATE DATABASE</c> safely.</summary>
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$")] public string Database { get; set; } = "riskmonitor";

    /// <summary>V2 organisation.</summary>
    public string? Org { get; set; }

    /// <summary>V2 bucket.</summary>
    public string? Bucket { get; set; }

    /// <summary>API token: sent as <c>Authorization: Token ...</c> (V2, and V1 against InfluxDB 2.x/3.x).</summary>
    public string? Token { get; set; }

    /// <summary>V1 user, sent with <see cref="Password"/> as basic authentication when set.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    [Required] public string Measurement { get; set; } = "telemetry";

    /// <summary>
    /// Ask <c>/query</c> for MessagePack when reading stored readings back whole (backtests, suggestions): InfluxDB 1.x
    /// answers it about 1.5x faster than JSON (decision 0063). A server that answers JSON anyway is read as JSON.
    /// </summary>
    public bool QueryMessagePack { get; set; } = true;

    /// <summary>Readings per POST; a batch is also sent when <see cref="FlushInterval"/> has passed since its first reading.</summary>
    [Range(1, 100_000)] public int BatchSize { get; set; } = 5000;

    /// <summary>The longest a reading waits in memory before its batch is sent.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Readings held in memory; <c>WriteAsync</c> waits only when this many are buffered.</summary>
    [Range(1, 10_000_000)] public int BufferCapacity { get; set; } = 100_000;

    /// <summary>Send request bodies with <c>Content-Encoding: gzip</c>. Spool files are gzip either way.</summary>
    public bool Gzip { get; set; } = true;

    /// <summary>Where batches wait while InfluxDB is down. A relative path is resolved against the content root.</summary>
    [Required] public string SpoolDirectory { get; set; } = ".run/spool";

    /// <summary>
    /// Makes <see cref="IReadingWriter.WhenStoredAsync"/> wait until earlier points are out of memory (posted or
    /// spooled); grain calls then take up to <see cref="FlushInterval"/> longer. On in cluster mode.
    /// </summary>
    public bool AwaitStored { get; set; }

    /// <summary>Bytes (gzip) the spool may hold; beyond this, new readings are dropped and counted.</summary>
    [Range(typeof(long), "0", "9223372036854775807")]
    public long MaxSpoolBytes { get; set; } = 1L << 30;

    /// <summary>
    /// Bytes kept in the <c>rejected</c> folder beside the spool for batches InfluxDB refused as invalid. Beyond it a
    /// refused batch is only counted and logged, so a steady stream of bad data cannot fill the disk.
    /// </summary>
    [Range(typeof(long), "0", "9223372036854775807")]
    public long MaxRejectedBytes { get; set; } = 100L << 20;

    /// <summary>First retry delay after a failed write; doubled per failure up to <see cref="MaxRetryDelay"/>, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(0.5);

    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// V1 only: issue <c>CREATE DATABASE</c> at start, retrying in the background until InfluxDB answers. Turn it off
    /// against InfluxDB 2.x/3.x through the V1 API, where the database (bucket mapping) is made by other means.
    /// </summary>
    public bool CreateDatabase { get; set; } = true;

    /// <summary>A write that takes longer counts as failed, and its batch goes to the spool.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Url is { IsAbsoluteUri: false } || Url is { Scheme: not ("http" or "https") })
        {
            yield return new ValidationResult("Influx:Url must be an absolute http or https address.", [nameof(Url)]);
        }
        if (MaxRetryDelay < RetryBaseDelay)
        {
            yield return new ValidationResult(
                "Influx:MaxRetryDelay must not be shorter than Influx:RetryBaseDelay.", [nameof(MaxRetryDelay)]);
        }
        if (ApiVersion == InfluxApiVersion.V1 && string.IsNullOrWhiteSpace(Database))
        {
            yield return new ValidationResult("Influx:Database is required for the V1 API.", [nameof(Database)]);
        }
        if (ApiVersion == InfluxApiVersion.V2)
        {
            if (string.IsNullOrWhiteSpace(Org) || string.IsNullOrWhiteSpace(Bucket) || string.IsNullOrWhiteSpace(Token))
            {
                yield return new ValidationResult(
                    "Influx:Org, Influx:Bucket and Influx:Token are required for the V2 API.",
                    [nameof(Org), nameof(Bucket), nameof(Token)]);
            }
        }
    }
}
