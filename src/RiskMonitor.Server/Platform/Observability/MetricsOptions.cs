using System.ComponentModel.DataAnnotations;

namespace RiskMonitor.Server.Platform.Observability;

/// <summary>
/// Who may read <c>/metrics</c> (issue 24 row 9; docs/decisions/0030-what-metrics-exposes.md). Neither set: on the API
/// port for anyone, as <c>run.sh</c> does on loopback. The chart sets <see cref="Port"/>.
/// </summary>
internal sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>
    /// Serve <c>/metrics</c> only on this port (which <c>Urls</c> must also list), so that the API port and whatever
    /// exposes it (an ingress) never serve it; on the API port it answers 404.
    /// </summary>
    [Range(1, 65535)] public int? Port { get; set; }

    /// <summary>When set, <c>/metrics</c> wants <c>Authorization: Bearer &lt;key&gt;</c> (Prometheus' <c>authorization</c>).</summary>
    [MinLength(16)] public string? Key { get; set; }
}
