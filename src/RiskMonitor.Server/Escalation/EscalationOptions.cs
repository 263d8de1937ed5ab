using System.ComponentModel.DataAnnotations;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Escalation;

namespace RiskMonitor.Server.Escalation;

/// <summary>Configuration section <c>Escalation</c> (docs/decisions/0010-escalation.md).</summary>
internal sealed class EscalationOptions
{
    public const string SectionName = "Escalation";

    /// <summary>
    /// Acknowledgement timeout per severity (<c>red</c>, <c>orange</c>, <c>yellow</c>, <c>blue</c>); a severity left out
    /// never escalates. Defaults: DESIGN.md §6.
    /// </summary>
    public Dictionary<string, TimeSpan> AcknowledgeTimeouts { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["red"] = TimeSpan.FromMinutes(5),
        ["orange"] = TimeSpan.FromMinutes(15),
        ["yellow"] = TimeSpan.FromMinutes(60),
    };

    /// <summary>Steps climb one grid level each, up to this many; later steps repeat the last level.</summary>
    [Range(1, 100)] public int MaxSteps { get; set; } = 12;

    /// <summary>
    /// The grid above a region when the region file does not know it: region id to parent id. The hook until every
    /// deployment has a region file (issue 6); ignored for regions the file knows.
    /// </summary>
    public Dictionary<string, string> RegionParents { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How often every open alert is checked to have its escalation clock running (repairs a lost start).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00")] public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A webhook that receives every escalation notice (SMS and voice gateways plug in here); off when unset.</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>The HMAC-SHA256 key for the webhook's <c>X-RiskMonitor-Signature</c> header; unsigned when unset.</summary>
    public string? WebhookSecret { get; set; }

    public EscalationPolicy ToPolicy()
    {
        var timeouts = new Dictionary<WarningLevel, TimeSpan>();
        foreach (var (name, timeout) in AcknowledgeTimeouts)
        {
            if (!Enum.TryParse<WarningLevel>(name, ignoreCase: true, out var level) || level == WarningLevel.None)
            {
                throw new InvalidOperationException($"Escalation:AcknowledgeTimeouts has '{name}'; use red, orange, yellow or blue.");
            }

            timeouts[level] = timeout;
        }

        return new EscalationPolicy(timeouts, MaxSteps);
    }
}
