using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
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
        records.MapPost($"/{id}/evidence", (HttpContext http, string? fileName, EvidenceCommands commands, CancellationToken ct) =>
                Upload(http, hooks, fileName, commands, ct))
            .WithName($"Attach{tag}Evidence").RequireAuthorization(policy)
            // No Accepts(...) metadata: routing would answer a wrong Content-Type with 415 before authorization, and the
            // claimed type is not trusted anyway (the bytes decide).
            .WithSummary("Attaches a photo (JPEG, PNG) or a PDF as evidence: the raw file as the body (any Content-Type), its name in ?fileName=.");
        records.MapGet($"/{id}/evidence", (HttpContext http, EvidenceCommands commands, CancellationToken ct) =>
                commands.ListAsync(hooks, RecordId(http, hooks), ct))
            .WithName($"List{tag}Evidence").WithSummary("The record's evidence files, oldest first.");
        records.MapGet($"/{id}/evidence/{{evidenceId}}", (HttpContext http, string evidenceId, EvidenceCommands commands, CancellationToken ct) =>
                commands.DownloadAsync(hooks, RecordId(http, hooks), evidenceId, ct))
            .WithName($"Get{tag}Evidence").WithSummary("One evidence file, served as the type its bytes proved.");
    }

    // The HTTP part alone: the body read within the limit; the checks and the stored file are EvidenceCommands'.
    private static async Task<Results<Created<EvidenceFile>, ProblemHttpResult, ValidationProblem>> Upload(
        HttpContext http, RecordHooks hooks, string? fileName, EvidenceCommands commands, CancellationToken cancellationToken)
    {
        var recordId = RecordId(http, hooks);
        if (await commands.RefuseBeforeReadingAsync(hooks, recordId, http.Request.ContentLength, cancellationToken) is { } refused)
        {
            return refused;
        }

        // The server-wide body limit is for small JSON documents; this endpoint alone takes files up to its own limit.
        var limit = commands.MaxBytes;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limit + 1L;
        }

        var content = await ReadAtMostAsync(http.Request.Body, limit + 1, cancellationToken);
        return await commands.AttachAsync(hooks, recordId, fileName, content, http.User.Identity?.Name, http.Request.Path.Value ?? "", cancellationToken);
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
}
