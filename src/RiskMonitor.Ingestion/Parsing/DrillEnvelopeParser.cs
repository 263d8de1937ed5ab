using System.Buffers;
using System.Text;
using System.Text.Json;
using RiskMonitor.Domain.Drills;

namespace RiskMonitor.Ingestion.Parsing;

/// <summary>What a drill envelope carries: a telemetry payload or an event payload, as the ordinary channels have them.</summary>
public enum DrillContent
{
    Telemetry,
    Event,
}

/// <summary>
/// Parses a drill inject (<c>rm/v1/{assetId}/drill</c>, decision 0042): <c>{"drill":"DR-…","telemetry":{…}}</c> or
/// <c>{"drill":"DR-…","event":{…}}</c>, the inner payload exactly what the telemetry or event channel takes. A drill has
/// its own channel rather than a member inside the ordinary payload on purpose: the ordinary parsers skip members they do
/// not know, so a marker there would turn into a real reading on any server that missed it; an unknown channel is refused.
/// </summary>
public static class DrillEnvelopeParser
{
    public static bool TryParse(
        ReadOnlySequence<byte> payload, out string drillId, out DrillContent content, out ReadOnlySequence<byte> inner, out ParseProblem problem)
    {
        drillId = "";
        content = default;
        inner = default;
        if (!SmallJsonDocument.TryParse(payload, out var document, out problem))
        {
            return false;
        }

        using (document)
        {
            try
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object ||
                    !root.TryGetProperty("drill", out var drill) || drill.ValueKind != JsonValueKind.String ||
                    EventParser.TryGetString(drill) is not { } id || !DrillKey.IsValidDrillId(id))
                {
                    problem = new ParseProblem(RejectReason.InvalidDrill, $"a drill inject is {{\"drill\": \"[A-Za-z0-9-]{{1,{DrillKey.MaxDrillIdLength}}}\", \"telemetry\"|\"event\": {{...}}}}");
                    return false;
                }

                var hasTelemetry = root.TryGetProperty("telemetry", out var telemetry);
                var hasEvent = root.TryGetProperty("event", out var deviceEvent);
                if (hasTelemetry == hasEvent)
                {
                    problem = new ParseProblem(RejectReason.InvalidDrill, "a drill inject carries either telemetry or an event");
                    return false;
                }

                drillId = id;
                content = hasTelemetry ? DrillContent.Telemetry : DrillContent.Event;
                inner = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes((hasTelemetry ? telemetry : deviceEvent).GetRawText()));
                return true;
            }
            catch (InvalidOperationException)
            {
                problem = new ParseProblem(RejectReason.InvalidJson, "a member name escapes a lone surrogate");
                return false;
            }
        }
    }
}
