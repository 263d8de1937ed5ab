using System.ComponentModel.DataAnnotations;

namespace RiskMonitor.Server.Integration;

/// <summary><c>Webhooks</c> section: how feed events are pushed to subscribers.</summary>
internal sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>The first retry waits about this long; each further one twice as long, up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")] public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")] public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A subscriber whose deliveries fail this long without a success is marked <c>failing</c> (and still retried).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "7.00:00:00")] public TimeSpan FailingAfter { get; set; } = TimeSpan.FromMinutes(10);

    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")] public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the set of subscriptions is read again (a change through the API is seen at once on this node).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")] public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest an idle loop waits before reading the feed again when no in-process append woke it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")] public TimeSpan IdlePoll { get; set; } = TimeSpan.FromSeconds(5);

    [Range(1, 1000)] public int BatchSize { get; set; } = 100;
}
