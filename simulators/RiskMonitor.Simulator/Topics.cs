namespace RiskMonitor.Simulator;

/// <summary>
/// The v1 MQTT topic contract (DESIGN.md §2), written out again here on purpose: the simulator shares no code with
/// the server, so a change on either side shows up as rejected traffic instead of silently moving both.
/// </summary>
internal static class Topics
{
    public const string Prefix = "rm/v1/";

    public static string Telemetry(string assetId) => Prefix + assetId + "/telemetry";

    public static string Event(string assetId) => Prefix + assetId + "/event";

    public static string Status(string assetId) => Prefix + assetId + "/status";

    public static string Position(string vehicleId) => Prefix + vehicleId + "/position";

    /// <summary>DESIGN.md §2: <c>[A-Za-z0-9._-]{1,64}</c>.</summary>
    public static bool IsValidAssetId(string id) =>
        id.Length is >= 1 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
