using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Unicode;

namespace RiskMonitor.Ingestion.Parsing;

/// <summary>
/// Opens the rare, small payloads (events, vehicle fixes) as a <see cref="JsonDocument"/>: clearer than the
/// hand-rolled reader of the telemetry path, and their rate does not call for it.
/// </summary>
internal static class SmallJsonDocument
{
    public static bool TryParse(ReadOnlySequence<byte> payload, [NotNullWhen(true)] out JsonDocument? document, out ParseProblem problem)
    {
        document = null;
        problem = default;
        // JSON text is UTF-8 (RFC 8259). JsonDocument does not check bytes it never decodes, but GetString and
        // GetRawText throw on them later, so such a payload is refused here as invalid JSON.
        if (!Utf8.IsValid(payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray()))
        {
            problem = new ParseProblem(RejectReason.InvalidJson, "payload is not valid UTF-8");
            return false;
        }

        try
        {
            document = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 16 });
            return true;
        }
        catch (JsonException ex)
        {
            problem = new ParseProblem(RejectReason.InvalidJson, ex.Message);
            return false;
        }
    }
}
