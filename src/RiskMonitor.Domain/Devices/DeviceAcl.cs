using System.Collections.Frozen;

namespace RiskMonitor.Domain.Devices;

/// <summary>The verdict of a topic check, in the words the counters and logs use.</summary>
public enum AclVerdict
{
    Allowed,

    /// <summary>Not under <c>rm/v1/{assetId}/</c>, or an asset the device does not speak for.</summary>
    NotOwnAsset,

    /// <summary>A subscription with a wildcard or shared-subscription prefix that could reach other assets' topics.</summary>
    WildcardNotAllowed,
}

/// <summary>
/// The topic ACL of an authenticated device (issue 11): it may publish only under <c>rm/v1/{assetId}/...</c> for the
/// assets it was provisioned for, and subscribe only to topics under those same assets. Pure string rules.
/// </summary>
public static class DeviceAcl
{
    private const string Prefix = "rm/v1/";

    public static AclVerdict CanPublish(string topic, FrozenSet<string> assets)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(assets);
        return OwnAsset(topic, assets, allowWildcards: false);
    }

    public static AclVerdict CanSubscribe(string topicFilter, FrozenSet<string> assets)
    {
        ArgumentNullException.ThrowIfNull(topicFilter);
        ArgumentNullException.ThrowIfNull(assets);
        // $share/group/filter would join a shared subscription; nothing a device needs, so refused outright.
        if (topicFilter.StartsWith('$'))
        {
            return AclVerdict.WildcardNotAllowed;
        }

        return OwnAsset(topicFilter, assets, allowWildcards: true);
    }

    private static AclVerdict OwnAsset(string topic, FrozenSet<string> assets, bool allowWildcards)
    {
        if (!topic.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return AclVerdict.NotOwnAsset;
        }

        var rest = topic.AsSpan(Prefix.Length);
        var slash = rest.IndexOf('/');
        if (slash <= 0)
        {
            return AclVerdict.NotOwnAsset; // rm/v1/{asset} with no channel, or rm/v1//x
        }

        var asset = rest[..slash];
        if (asset.ContainsAny('+', '#'))
        {
            return AclVerdict.WildcardNotAllowed; // rm/v1/+/telemetry spans every asset
        }

        var tail = rest[(slash + 1)..];
        if (!allowWildcards && tail.ContainsAny('+', '#'))
        {
            return AclVerdict.NotOwnAsset; // wildcards are not valid in a topic name; the broker would refuse it anyway
        }

        // The span lookup keeps the per-publish check free of allocations.
        return assets.GetAlternateLookup<ReadOnlySpan<char>>().Contains(asset) ? AclVerdict.Allowed : AclVerdict.NotOwnAsset;
    }
}
