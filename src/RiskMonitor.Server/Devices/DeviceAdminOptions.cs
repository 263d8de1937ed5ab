namespace RiskMonitor.Server.Devices;

/// <summary>
/// Provisioning of MQTT device credentials (<c>Devices</c> section). <c>/api/devices</c> needs the admin role; this key
/// (<c>X-Admin-Key</c>) acts as that role, so a new install can provision before anyone can sign in
/// (docs/decisions/0024-admin-key-and-request-limits.md, 0025-api-authentication-and-scope.md).
/// </summary>
internal sealed class DeviceAdminOptions
{
    public const string SectionName = "Devices";

    /// <summary>Sent as <c>X-Admin-Key</c>. Unset turns provisioning off (403): no default key can leak.</summary>
    public string? AdminKey { get; set; }

    /// <summary>Keys shorter than this are refused at start: the key guards who may put readings into the system.</summary>
    public const int MinimumKeyLength = 16;
}
