using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RiskMonitor.Domain.Evidence;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Storage.Evidence;

namespace RiskMonitor.Server.Hazards;

/// <summary>
/// Evidence files of a record, the same shape for every ledger (<c>/{recordId}/evidence</c> under the record's group;
/// hazards, and incidents through <see cref="Incidents.IncidentEvidence"/>): upload the raw file (<c>?fileName=</c>),
/// list, download. A file is at most <see cref="HazardSupervisionOptions.EvidenceMaxBytes"/> (413 above) and must prove
/// by its first bytes that it is a JPEG, PNG or PDF (415 otherwise); a refused file leaves nothing behind. Reading follows the record: whoever
/// may read the record (the region scope filter on the route's id) may read its files, nobody else.
/// </summary>
internal static class EvidenceEndpoints
{
    /// <summary>The action of the ledger line an attached file leaves on its record.</summary>
    public const string LedgerAction = "evidence_attached";

    /// <summary>How a record kind plugs in: does the record exist, and what its ledger records when a file is attached.</summary>
    public sealed record RecordHooks(
        string RecordKind, string RouteIdName, Func<string, CancellationToken, Task<bool>> ExistsAsync,
        Func<string, EvidenceFile, CancellationToken, Task> AttachedAsync);

    public static void MapEvidence(this RouteGroupBuilder records, RecordHooks hooks, string tag, string policy)
    {
        var id = "{" + hooks.RouteIdName + "}";
        records.MapPost($"/{id}/evidence", (HttpContext http, string? fileName, IEvidenceStore store, IOptions<HazardSupervisionOptions> options,
                TimeProvider time, ILoggerFactory loggers, CancellationToken ct) =>
                Upload(http, hooks, fileName, store, options.Value, time, loggers.CreateLogger(typeof(EvidenceEndpoints).FullName!), ct))
            .WithName($"Attach{tag}Evidence").RequireAuthorization(policy)
            // No Accepts(...) metadata: routing would answer a wrong Content-Type with 415 before authorization, and the
            // claimed type is not trusted anyway (the bytes decide).
            .WithSummary("Attaches a photo (JPEG, PNG) or a PDF as evidence: the raw file as the body (any Content-Type), its name in ?fileName=.");
        records.MapGet($"/{id}/evidence", (HttpContext http, IEvidenceStore store, CancellationToken ct) => List(http, hooks, store, ct))
            .WithName($"List{tag}Evidence").WithSummary("The record's evidence files, oldest first.");
        records.MapGet($"/{id}/evidence/{{evidenceId}}", (HttpContext http, string evidenceId, IEvidenceStore store, CancellationToken ct) =>
                Download(http, hooks, evidenceId, store, ct))
            .WithName($"Get{tag}Evidence").WithSummary("One evidence file, served as the type its bytes proved.");
    }

    private static async Task<Results<Created<EvidenceFile>, ProblemHttpResult, ValidationProblem>> Upload(
        HttpContext http, RecordHooks hooks, string? fileName, IEvidenceStore store, HazardSupervisionOptions options, TimeProvider time,
        ILogger logger, CancellationToken cancellationToken)
    {
        var recordId = RecordId(http, hooks);
        if (!await hooks.ExistsAsync(recordId, cancellationToken))
        {
            return Problems.NotFound($"Unknown {hooks.RecordKind}", $"No {hooks.RecordKind} '{recordId}'.");
        }

        var limit = options.EvidenceMaxBytes;
        if (http.Request.ContentLength is > 0 and var declared && declared > limit)
        {
            return Refuse(logger, hooks, recordId, StatusCodes.Status413PayloadTooLarge, "Evidence file too large",
                $"An evidence file is at most {limit} bytes; this one is {declared}.");
        }

        // The server-wide body limit is for small JSON documents; this endpoint alone takes files up to its own limit.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limit + 1L;
        }

        var content = await ReadAtMostAsync(http.Request.Body, limit + 1, cancellationToken);
        if (content.Length > limit)
        {
            return Refuse(logger, hooks, recordId, StatusCodes.Status413PayloadTooLarge, "Evidence file too large", $"An evidence file is at most {limit} bytes.");
        }

        if (content.Length == 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["Send the file as the request body."] });
        }

        if (EvidenceSniffer.Sniff(content) is not { } kind)
        {
            // The claimed Content-Type and the name are not trusted: a script called photo.jpg is still a script.
            return Refuse(logger, hooks, recordId, StatusCodes.Status415UnsupportedMediaType, "Refused file type",
                "Evidence is a JPEG or PNG photo or a PDF document; the file's content is none of these.");
        }

        var actor = http.User.Identity?.Name is { Length: > 0 } name ? name : "unknown";
        var now = time.GetUtcNow();
        var file = new EvidenceFile(
            $"EV-{now:yyyyMMdd}-{Guid.NewGuid().ToString("N")[..12].ToUpperInvariant()}", hooks.RecordKind, recordId, CleanName(fileName, kind), kind,
            content.Length, Convert.ToHexStringLower(SHA256.HashData(content)), actor, now);
        await store.AddAsync(file, content, cancellationToken);
        await hooks.AttachedAsync(recordId, file, cancellationToken);
        HazardServerLog.EvidenceAttached(logger, file.EvidenceId, kind.ToString(), file.SizeBytes, hooks.RecordKind, recordId, actor);
        return TypedResults.Created($"{http.Request.Path.Value?.TrimEnd('/')}/{file.EvidenceId}", file);
    }

    private static async Task<Results<Ok<IReadOnlyList<EvidenceFile>>, ProblemHttpResult>> List(
        HttpContext http, RecordHooks hooks, IEvidenceStore store, CancellationToken cancellationToken)
    {
        var recordId = RecordId(http, hooks);
        return await hooks.ExistsAsync(recordId, cancellationToken)
            ? TypedResults.Ok(await store.ListAsync(hooks.RecordKind, recordId, cancellationToken))
            : Problems.NotFound($"Unknown {hooks.RecordKind}", $"No {hooks.RecordKind} '{recordId}'.");
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Download(
        HttpContext http, RecordHooks hooks, string evidenceId, IEvidenceStore store, CancellationToken cancellationToken)
    {
        var recordId = RecordId(http, hooks);
        if (await store.ReadAsync(hooks.RecordKind, recordId, evidenceId, cancellationToken) is not { } found)
        {
            return Problems.NotFound("Unknown evidence", $"No evidence '{evidenceId}' on {hooks.RecordKind} '{recordId}'.");
        }

        // The type the bytes proved, as an attachment, never sniffed again by the browser (nosniff is set server-wide).
        return TypedResults.File(found.Content, found.File.ContentType, found.File.EvidenceId + EvidenceSniffer.ExtensionOf(found.File.Kind));
    }

    /// <summary>
    /// Writes the record's <c>evidence_attached</c> ledger line through <paramref name="tryOnce"/> (an optimistic write
    /// that answers false when someone changed the record first): the file is stored already, so its line is retried
    /// against a concurrent step rather than lost.
    /// </summary>
    public static async Task RecordLineAsync(Func<string, Task<bool>> tryOnce)
    {
        ArgumentNullException.ThrowIfNull(tryOnce);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (await tryOnce(LedgerAction))
            {
                return;
            }
        }
    }

    /// <summary>The ledger note of an attached file: which one, what its bytes proved, and their hash.</summary>
    public static string LedgerNote(EvidenceFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return $"evidence {file.EvidenceId}: {file.FileName} ({file.ContentType}, {file.SizeBytes} bytes, sha256 {file.Sha256})";
    }

    private static string RecordId(HttpContext http, RecordHooks hooks) => http.Request.RouteValues[hooks.RouteIdName] as string ?? "";

    private static ProblemHttpResult Refuse(ILogger logger, RecordHooks hooks, string recordId, int status, string title, string detail)
    {
        HazardServerLog.EvidenceRefused(logger, hooks.RecordKind, recordId, title);
        return TypedResults.Problem(detail, statusCode: status, title: title);
    }

    private static async Task<byte[]> ReadAtMostAsync(Stream body, int maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (buffer.Length < maxBytes)
        {
            var read = await body.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, maxBytes - buffer.Length)), cancellationToken);
            if (read == 0)
            {
                break;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>The uploader's name for the file, kept for people to read: no path, no control characters, at most 200 characters.</summary>
    private static string CleanName(string? fileName, EvidenceKind kind)
    {
        var name = Path.GetFileName((fileName ?? "").Replace('\\', '/'));
        name = new string([.. name.Where(c => !char.IsControl(c) && !char.IsSurrogate(c) && c is not ('/' or '"'))]).Trim();
        if (name.Length > 200)
        {
            name = name[..200];
        }

        return name.Length == 0 ? "evidence" + EvidenceSniffer.ExtensionOf(kind) : name;
    }
}
