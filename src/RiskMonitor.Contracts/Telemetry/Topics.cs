namespace RiskMonitor.Contracts.Telemetry;

/// <summary>The v1 MQTT topic contract (DESIGN.md §2): <c>rm/v1/{assetId}/{telemetry|event|status|position}</c>.</summary>
public static class Topics
{
    public const string Prefix = "rm/v1/";
    public const string Telemetry = "telemetry";
    public const string Event = "event";
    public const string Status = "status";
    public const string Position = "position";

    /// <summary>Subscription filter for every v1 message.</summary>
    public const string AllFilter = "rm/v1/+/+";

    public static string For(string assetId, string channel) => Prefix + assetId + "/" + channel;
}
