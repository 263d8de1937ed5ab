using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace RiskMonitor.Domain.Integration;

/// <summary>
/// The signature on every webhook delivery (docs/decisions/0015-webhooks-and-api-keys.md): header
/// <c>X-RiskMonitor-Signature: t={unix seconds},v1={hex}</c>, where hex is HMAC-SHA256 with the subscription's secret
/// over <c>{t}.{body}</c>. The timestamp is inside the signed text, so a receiver that refuses old timestamps also
/// refuses a replayed delivery; the <c>v1=</c> prefix leaves room for a second algorithm without breaking receivers.
/// </summary>
public static class WebhookSignature
{
    public const string HeaderName = "X-RiskMonitor-Signature";

    /// <summary>Lowercase hex HMAC-SHA256 of <c>{unixSeconds}.{body}</c> keyed with the UTF-8 bytes of the secret.</summary>
    public static string Compute(string secret, long unixSeconds, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(body);
        var signed = unixSeconds.ToString(CultureInfo.InvariantCulture) + "." + body;
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(signed)));
    }

    /// <summary>The header value: <c>t=1764000000,v1=9f...</c>.</summary>
    public static string Header(string secret, DateTimeOffset signedAt, string body)
    {
        var t = signedAt.ToUnixTimeSeconds();
        return string.Create(CultureInfo.InvariantCulture, $"t={t},v1={Compute(secret, t, body)}");
    }

    /// <summary>
    /// What a receiver does: the header parses, one <c>v1</c> matches (compared in constant time) and the timestamp is
    /// within <paramref name="tolerance"/> of <paramref name="now"/> either way.
    /// </summary>
    public static bool Verify(string secret, string? header, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(header))
        {
            return false;
        }

        long? timestamp = null;
        var candidates = new List<string>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith("t=", StringComparison.Ordinal) &&
                long.TryParse(part.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var t))
            {
                timestamp = t;
            }
            else if (part.StartsWith("v1=", StringComparison.Ordinal))
            {
                candidates.Add(part[3..]);
            }
        }

        if (timestamp is not { } signedAt || candidates.Count == 0 ||
            (now - DateTimeOffset.FromUnixTimeSeconds(signedAt)).Duration() > tolerance)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(secret, signedAt, body));
        return candidates.Any(c => CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(c)));
    }
}
