using RiskMonitor.Domain.Evidence;

namespace RiskMonitor.Storage.Evidence;

/// <summary>
/// Evidence files of a record (a hazard now; an incident later), append-only: a file is added, listed and read back,
/// never changed or deleted. <see cref="EvidenceFile.RecordKind"/> names the ledger the record lives in.
/// </summary>
public interface IEvidenceStore
{
    Task AddAsync(EvidenceFile file, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>The files of one record, oldest first, without their bytes.</summary>
    Task<IReadOnlyList<EvidenceFile>> ListAsync(string recordKind, string recordId, CancellationToken cancellationToken = default);

    /// <summary>One file and its bytes, or null when the record has no such file.</summary>
    Task<(EvidenceFile File, byte[] Content)?> ReadAsync(string recordKind, string recordId, string evidenceId, CancellationToken cancellationToken = default);
}

/// <summary>What is known about one evidence file; <see cref="Kind"/> was sniffed from its bytes, the name is the uploader's.</summary>
public sealed record EvidenceFile(
    string EvidenceId, string RecordKind, string RecordId, string FileName, EvidenceKind Kind, int SizeBytes, string Sha256, string UploadedBy,
    DateTimeOffset UploadedAt)
{
    public string ContentType => EvidenceSniffer.ContentTypeOf(Kind);
}
