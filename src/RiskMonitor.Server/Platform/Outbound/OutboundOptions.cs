namespace RiskMonitor.Server.Platform.Outbound;

/// <summary>
/// <c>Outbound</c> section: which non-public destinations requests this server makes on someone's behalf (webhooks,
/// the escalation webhook) may reach anyway. Empty = public addresses only (docs/decisions/0026-outbound-requests.md).
/// </summary>
internal sealed class OutboundOptions
{
    public const string SectionName = "Outbound";

    /// <summary>Host names allowed whatever they resolve to: <c>hooks.city.example</c>, or <c>*.city.example</c> for its subdomains.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>CIDR blocks allowed: <c>10.20.0.0/16</c> for an on-premises city platform, <c>127.0.0.0/8</c> in tests.</summary>
    public List<string> AllowedNetworks { get; set; } = [];
}
