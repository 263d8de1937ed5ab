namespace RiskMonitor.Domain.Devices;

/// <summary>Device ids follow the asset id alphabet (DESIGN.md §2), so they are safe in topics, logs and URLs.</summary>
public static class DeviceIds
{
    public const int MaxLength = 64;

    public static bool IsValid(string? id) =>
        id is { Length: > 0 and <= MaxLength } && id.AsSpan().IndexOfAnyExcept(Alphabet) < 0;

    private static readonly System.Buffers.SearchValues<char> Alphabet =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");
}
