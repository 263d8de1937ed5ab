namespace RiskMonitor.Domain.Drills;

/// <summary>
/// Where a drill's alerts live: a drill's readings for asset <c>gas-1</c> in drill <c>DR-1</c> are evaluated on the key
/// <c>gas-1!DR-1</c>, never on <c>gas-1</c> itself. The separator is outside the asset id alphabet
/// (<c>[A-Za-z0-9._-]</c>, DESIGN.md §2), so no real asset can ever have a drill key and no drill key can be a real asset:
/// a drill alert cannot land in a real asset's book, and a real alert raised during a drill stays on the real asset
/// (decision 0042).
/// </summary>
public static class DrillKey
{
    public const char Separator = '!';

    /// <summary>The longest drill id: room for <c>DR-yyyyMMdd-XXXXXX</c> and an operator's own scheme.</summary>
    public const int MaxDrillIdLength = 40;

    public static string For(string assetId, string drillId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(assetId);
        if (!IsValidDrillId(drillId))
        {
            throw new ArgumentException($"'{drillId}' is not a drill id ([A-Za-z0-9-]{{1,{MaxDrillIdLength}}}).", nameof(drillId));
        }

        return string.Concat(assetId, Separator.ToString(), drillId);
    }

    /// <summary>True for a key (asset id of an alert, grain key) that belongs to a drill.</summary>
    public static bool IsDrill(string? key) => key is not null && key.Contains(Separator, StringComparison.Ordinal);

    /// <summary>Splits a drill key into the registered asset and the drill; false for a real asset id.</summary>
    public static bool TryParse(string? key, out string assetId, out string drillId)
    {
        assetId = "";
        drillId = "";
        var at = key?.IndexOf(Separator, StringComparison.Ordinal) ?? -1;
        if (at <= 0 || !IsValidDrillId(key.AsSpan(at + 1)))
        {
            return false;
        }

        assetId = key![..at];
        drillId = key[(at + 1)..];
        return true;
    }

    /// <summary>The registered asset behind a key: the key itself for a real asset.</summary>
    public static string AssetOf(string key) => TryParse(key, out var assetId, out _) ? assetId : key;

    /// <summary>The drill a key belongs to, or null for a real asset.</summary>
    public static string? DrillOf(string? key) => TryParse(key, out _, out var drillId) ? drillId : null;

    public static bool IsValidDrillId(ReadOnlySpan<char> drillId)
    {
        if (drillId.IsEmpty || drillId.Length > MaxDrillIdLength)
        {
            return false;
        }

        foreach (var c in drillId)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return false;
            }
        }

        return true;
    }
}
