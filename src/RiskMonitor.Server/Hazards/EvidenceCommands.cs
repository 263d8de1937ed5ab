using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RiskMonitor.Domain.Evidence;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Storage.Evidence;

namespace RiskMonitor.Server.Hazards;

/// <summary>
/// The evidence files of a record, for every ledger that has them (<see cref="EvidenceEndpoints.RecordHooks"/>): the
/// checks of an upload (the record exists, the size, the bytes prove a JPEG, PNG or PDF), the stored file and its ledger
/// line, the list and the download. The handler only reads the body within the limit; everything else is here, tested on
/// the in-memory store without a server.
/// </summary>
/// <remarks>Logs under the category the handler used, <c>RiskMonitor.Server.Hazards.EvidenceEndpoints</c>.</remarks>
internal sealed class EvidenceCommands(IEvidenceStore store, IOptions<HazardSupervisionOptions> options, TimeProvider time, ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger(typeof(EvidenceEndpoints).FullName!);

    /// <summary>The largest file taken, in bytes.</summary>
    public int MaxBytes => options.Value.EvidenceMaxBytes;

    /// <summary>
    /// What can be refused before the body is read: an unknown record (404), a declared length over the limit (413).
    /// Null when the body should be read.
    /// </summary>
    public async Task<ProblemHttpResult?> RefuseBeforeReadingAsync(
        EvidenceEndpoints.RecordHooks hooks, string recordId, long? declaredLength, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hooks);
        if (!await hooks.ExistsAsync(recordId, cancellationToken))
        {
            return UnknownRecord(hooks, recordId);
        }

        return declaredLength is > 0 and var declared && declared > MaxBytes
            ? Refuse(hooks, recordId, StatusCodes.Status413PayloadTooLarge, "Evidence file too large",
                $"An evidence file is at most {MaxBytes} bytes; this one is {declared}.")
            : null;
    }

    /// <summary>
    /// Stores <paramref name="content"/> (read up to one byte past the limit) as evidence of the record and writes the
    /// record's ledger line; a refused file leaves nothing behind. <paramref name="location"/> is the collection's path.
    /// </summary>
    public async Task<Results<Created<EvidenceFile>, ProblemHttpResult, ValidationProblem>> AttachAsync(
        EvidenceEndpoints.RecordHooks hooks, string recordId, string? fileName, byte[] content, string? actor, string location,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hooks);
        ArgumentNullException.ThrowIfNull(content);
        if (content.Length > MaxBytes)
        {
            return Refuse(hooks, recordId, StatusCodes.Status413PayloadTooLarge, "Evidence file too large", $"An evidence file is at most {MaxBytes} bytes.");
        }

        if (content.Length == 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["Send the file as the request body."] });
        }

        if (EvidenceSniffer.Sniff(content) is not { } kind)
        {
            // The claimed Content-Type and the name are not trusted: a script called photo.jpg is still a script.
            return Refuse(hooks, recordId, StatusCodes.Status415UnsupportedMediaType, "Refused file type",
                "Evidence is a JPEG or PNG photo or a PDF document; the file's content is none of these.");
        }

        var by = actor is { Length: > 0 } name ? name : "unknown";
        var now = time.GetUtcNow();
        var file = new EvidenceFile(
            $"EV-{now:yyyyMMdd}-{Guid.NewGuid().ToString("N")[..12].ToUpperInvariant()}", hooks.RecordKind, recordId, CleanName(fileName, kind), kind,
            content.Length, Convert.ToHexStringLower(SHA256.HashData(content)), by, now);
        await store.AddAsync(file, content, cancellationToken);
        await hooks.AttachedAsync(recordId, file, cancellationToken);
        HazardServerLog.EvidenceAttached(_logger, file.EvidenceId, kind.ToString(), file.SizeBytes, hooks.RecordKind, recordId, by);
        return TypedResults.Created($"{location.TrimEnd('/')}/{file.EvidenceId}", file);
    }

    public async Task<Results<Ok<IReadOnlyList<EvidenceFile>>, ProblemHttpResult>> ListAsync(
        EvidenceEndpoints.RecordHooks hooks, string recordId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hooks);
        return await hooks.ExistsAsync(recordId, cancellationToken)
            ? TypedResults.Ok(await store.ListAsync(hooks.RecordKind, recordId, cancellationToken))
            : UnknownRecord(hooks, recordId);
    }

    public async Task<Results<FileContentHttpResult, ProblemHttpResult>> DownloadAsync(
        EvidenceEndpoints.RecordHooks hooks, string recordId, string evidenceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hooks);
        if (await store.ReadAsync(hooks.RecordKind, recordId, evidenceId, cancellationToken) is not { } found)
        {
            return Problems.NotFound("Unknown evidence", $"No evidence '{evidenceId}' on {hooks.RecordKind} '{recordId}'.");
        }

        // The type the bytes proved, as an attachment, never sniffed again by the browser (nosniff is set server-wide).
        return TypedResults.File(found.Content, found.File.ContentType, found.File.EvidenceId + EvidenceSniffer.ExtensionOf(found.File.Kind));
    }

    /// <summary>The uploader's name for the file, kept for people to read: no path, no control characters, at most 200 characters.</summary>
    internal static string CleanName(string? fileName, EvidenceKind kind)
    {
        var name = Path.GetFileName((fileName ?? "").Replace('\\', '/'));
        name = new string([.. name.Where(c => !char.IsControl(c) && !char.IsSurrogate(c) && c is not ('/' or '"'))]).Trim();
        if (name.Length > 200)
        {
            name = name[..200];
        }

        return name.Length == 0 ? "evidence" + EvidenceSniffer.ExtensionOf(kind) : name;
    }

    private static ProblemHttpResult UnknownRecord(EvidenceEndpoints.RecordHooks hooks, string recordId) =>
        Problems.NotFound($"Unknown {hooks.RecordKind}", $"No {hooks.RecordKind} '{recordId}'.");

    private ProblemHttpResult Refuse(EvidenceEndpoints.RecordHooks hooks, string recordId, int status, string title, string detail)
    {
        HazardServerLog.EvidenceRefused(_logger, hooks.RecordKind, recordId, title);
        return TypedResults.Problem(detail, statusCode: status, title: title);
    }
}
