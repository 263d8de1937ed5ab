namespace RiskMonitor.Server.Devices;

/// <summary>
/// Provisioning of MQTT device credentials (<c>Devices</c> section). Until issue 11's JWT part lands, the
/// <c>/api/devices</c> endpoints are guarded by one shared admin key (docs/decisions/0024-admin-key-and-request-limits.md).
/// </summary>
public sealed class DeviceAdminOptions
{
    public const string SectionName = "Devices";

    /// <summary>Sent as <c>X-Admin-Key</c>. Unset turns provisioning off (403): no default key can leak.</summary>
    public string? AdminKey { get; set; }

    /// <summary>Keys shorter than this are refused at start: the key guards who may put readings into the system.</summary>
    public const int MinimumKeyLength = 16;
}
