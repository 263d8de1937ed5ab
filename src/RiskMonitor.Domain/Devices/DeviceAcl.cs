using System.Collections.Frozen;

namespace RiskMonitor.Domain.Devices;

/// <summary>The verdict of a topic check, in the words the counters and logs use.</summary>
public enum AclVerdict
{
    Allowed,

    /// <summary>Not under <c>rm/v1/{assetId}/</c>, or an asset the device does not speak for.</summary>
    NotOwnAsset,

    /// <summary>A wildcard in the asset segment of a topic, which would span other assets.</summary>
    WildcardNotAllowed,
}

/// <summary>
/// The topic ACL of an authenticated device (issue 11): it may publish only under <c>rm/v1/{assetId}/...</c> for the
/// assets it was provisioned for. It may subscribe to nothing (issue 24 row 8): the v1 contract has no topic the
/// server sends to a device, and its assets' topics carry only what devices publish, possibly other gateways that
/// speak for the same asset. Pure string rules.
/// </summary>
public static class DeviceAcl
{
    public static AclVerdict CanPublish(string topic, FrozenSet<string> assets)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(assets);
        return OwnAsset(topic, assets);
    }

    private static AclVerdict OwnAsset(string topic, FrozenSet<string> assets)
    {
        if (!topic.StartsWith(Topics.Prefix, StringComparison.Ordinal))
        {
            return AclVerdict.NotOwnAsset;
        }

        var rest = topic.AsSpan(Topics.Prefix.Length);
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
        if (tail.ContainsAny('+', '#'))
        {
            return AclVerdict.NotOwnAsset; // wildcards are not valid in a topic name; the broker would refuse it anyway
        }

        // The span lookup keeps the per-publish check free of allocations.
        return assets.GetAlternateLookup<ReadOnlySpan<char>>().Contains(asset) ? AclVerdict.Allowed : AclVerdict.NotOwnAsset;
    }
}
