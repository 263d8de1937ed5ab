namespace RiskMonitor.Domain.Devices;

/// <summary>
/// The v1 MQTT topic contract (DESIGN.md §2), <c>rm/v1/{assetId}/{telemetry|event|status|position|drill}</c>, in one place for
/// the parser, the device ACL and the shared subscriptions of a scaled-out node. The simulator spells it out again on
/// purpose (it shares no code with the server, so a drift shows up as refused traffic).
/// </summary>
public static class Topics
{
    public const string Prefix = "rm/v1/";
    public const string Telemetry = "telemetry";
    public const string Event = "event";
    public const string Status = "status";
    public const string Position = "position";

    /// <summary>A drill's inject: a telemetry or event payload in an envelope naming the drill (decision 0042).</summary>
    public const string Drill = "drill";

    /// <summary>Subscription filter for every v1 message.</summary>
    public const string AllFilter = Prefix + "+/+";

    /// <summary>The shared subscription by which the nodes of one group split every v1 message between them.</summary>
    public static string SharedFilter(string group) => "$share/" + group + "/" + AllFilter;

    public static string For(string assetId, string channel) => Prefix + assetId + "/" + channel;
}
