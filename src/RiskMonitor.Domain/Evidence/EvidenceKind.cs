namespace RiskMonitor.Domain.Evidence;

/// <summary>The kinds of evidence file the platform keeps: photos from the site and scanned or exported documents.</summary>
public enum EvidenceKind
{
    Jpeg,
    Png,
    Pdf,
}

/// <summary>
/// Decides what an uploaded file is from its first bytes (its signature), not from its name or the Content-Type the
/// client claims: a script renamed <c>photo.jpg</c> is refused, and the file is served back with the type its bytes
/// prove, so a browser never runs an HTML page someone uploaded as evidence. Signatures: JPEG <c>FF D8 FF</c>,
/// PNG <c>89 50 4E 47 0D 0A 1A 0A</c>, PDF <c>%PDF-</c> (ISO 32000-1 §7.5.2).
/// </summary>
public static class EvidenceSniffer
{
    /// <summary>Bytes enough to tell every kind apart.</summary>
    public const int HeaderBytes = 8;

    private static ReadOnlySpan<byte> Png => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> Jpeg => [0xFF, 0xD8, 0xFF];

    private static ReadOnlySpan<byte> Pdf => "%PDF-"u8;

    public static EvidenceKind? Sniff(ReadOnlySpan<byte> content) =>
        content.StartsWith(Jpeg) ? EvidenceKind.Jpeg
        : content.StartsWith(Png) ? EvidenceKind.Png
        : content.StartsWith(Pdf) ? EvidenceKind.Pdf
        : null;

    public static string ContentTypeOf(EvidenceKind kind) => kind switch
    {
        EvidenceKind.Jpeg => "image/jpeg",
        EvidenceKind.Png => "image/png",
        _ => "application/pdf",
    };

    /// <summary>The extension a download gets, whatever name it was uploaded under.</summary>
    public static string ExtensionOf(EvidenceKind kind) => kind switch
    {
        EvidenceKind.Jpeg => ".jpg",
        EvidenceKind.Png => ".png",
        _ => ".pdf",
    };
}
