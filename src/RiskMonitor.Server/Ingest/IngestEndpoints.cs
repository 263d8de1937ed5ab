using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Ingestion;
using RiskMonitor.Ingestion.Dispatch;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.Alerts.Journal;
using RiskMonitor.Storage.Influx;

namespace RiskMonitor.Server.Ingest;

internal static class IngestEndpoints
{
    public static RouteGroupBuilder MapIngestEndpoints(this IEndpointRouteBuilder routes)
    {
        var ingest = routes.MapGroup("/api/ingest").WithTags("Ingestion").RequireAuthorization(Policies.CityWide);
        ingest.MapGet("/stats", Stats).WithName("GetIngestStats")
            .WithSummary("Accepted readings and rejections per reason since start, queue depth and the InfluxDB writer's state.");
        ingest.MapGet("/dead-letters", DeadLetters).WithName("ListDeadLetters")
            // Raw payloads may carry anything a device (or an attacker) sent: for supervisors, not for every viewer.
            .RequireAuthorization(Policies.Supervise)
            .WithSummary("The newest refused messages with their raw payload (bounded; oldest evicted first).");
        return ingest;
    }

    private static Ok<IngestStatsResponse> Stats(
        IngestionStats stats, DeadLetterStore deadLetters, GrainDispatcher dispatcher, IReadingWriter writer, TimeProvider time, IServiceProvider services)
    {
        // Null without PostgreSQL (in-memory stores have no journal).
        var journal = services.GetService<AlertJournalState>() is { } state
            ? new AlertJournalStats(state.Pending, state.FailingSince, state.Describe(time.GetUtcNow()).Description)
            : null;
        return TypedResults.Ok(new IngestStatsResponse(stats.Snapshot(), dispatcher.Queued, deadLetters.Count, deadLetters.Evicted, writer.GetStats(), journal));
    }

    private static Results<Ok<IReadOnlyList<DeadLetterView>>, ValidationProblem> DeadLetters(DeadLetterStore deadLetters, string? reason = null, int limit = 100)
    {
        RejectReason? filter = null;
        if (reason is not null)
        {
            var match = Enum.GetValues<RejectReason>().Where(r => IngestionStats.ReasonName(r) == reason).Cast<RejectReason?>().FirstOrDefault();
            if (match is null)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    [nameof(reason)] = [$"Unknown reason '{reason}'. Known: {string.Join(", ", Enum.GetValues<RejectReason>().Select(IngestionStats.ReasonName))}."],
                });
            }

            filter = match;
        }

        IReadOnlyList<DeadLetterView> letters = [.. deadLetters.Newest(Math.Clamp(limit, 1, 1000), filter).Select(DeadLetterView.From)];
        return TypedResults.Ok(letters);
    }
}

internal sealed record IngestStatsResponse(
    IngestionStatsSnapshot Ingestion, long DispatchQueued, int DeadLetters, long DeadLettersEvicted, InfluxWriterStats Influx, AlertJournalStats? AlertJournal);

/// <summary>Alert changes on this node's disk that PostgreSQL does not have yet (decision 0028).</summary>
internal sealed record AlertJournalStats(int Pending, DateTimeOffset? PostgresFailingSince, string Description);

/// <summary>A dead letter; <c>payloadText</c> when the payload is UTF-8, else <c>payloadBase64</c>.</summary>
internal sealed record DeadLetterView(
    long Sequence, DateTimeOffset ReceivedAt, string Topic, string? ClientId, string Reason, string Detail,
    int PayloadBytes, string? PayloadText, string? PayloadBase64)
{
    public static DeadLetterView From(DeadLetter letter)
    {
        ArgumentNullException.ThrowIfNull(letter);
        var text = letter.PayloadText;
        return new(letter.Sequence, letter.ReceivedAt, letter.Topic, letter.ClientId, IngestionStats.ReasonName(letter.Reason),
            letter.Detail, letter.Payload.Length, text, text is null ? letter.PayloadBase64 : null);
    }
}
