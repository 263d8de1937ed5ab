namespace RiskMonitor.Domain.Hazards;

/// <summary>
/// The reference a 12350 caller is given to ask for the outcome: <c>TIP-</c> and ten characters from an alphabet
/// without look-alikes (no 0/O, 1/I/L), read out over the phone. 31^10 (about 2^49) codes: guessing one that exists is
/// hopeless at the tip line's request limits, and the answer to a reference shows only the outcome, never the tip.
/// </summary>
public static class TipReference
{
    public const string Prefix = "TIP-";
    public const int Length = 10;
    private const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

    /// <summary>A new reference from <paramref name="randomBytes"/> (at least <see cref="Length"/> bytes; a CSPRNG's in production).</summary>
    public static string From(ReadOnlySpan<byte> randomBytes)
    {
        if (randomBytes.Length < Length)
        {
            throw new ArgumentException($"At least {Length} random bytes are needed.", nameof(randomBytes));
        }

        Span<char> code = stackalloc char[Length];
        for (var i = 0; i < Length; i++)
        {
            // 256 % 31 = 8: a slight bias toward the first 8 letters, which costs well under a bit of the 49.
            code[i] = Alphabet[randomBytes[i] % Alphabet.Length];
        }

        return Prefix + new string(code);
    }

    /// <summary>Whether <paramref name="value"/> has the shape of a reference (checked before any lookup).</summary>
    public static bool IsWellFormed(string? value) =>
        value is { Length: var length } && length == Prefix.Length + Length && value.StartsWith(Prefix, StringComparison.Ordinal) &&
        value.AsSpan(Prefix.Length).IndexOfAnyExcept(Alphabet) < 0;
}
