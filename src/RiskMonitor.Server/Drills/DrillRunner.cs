using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using RiskMonitor.Contracts.Assets;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Devices;
using RiskMonitor.Domain.Drills;
using RiskMonitor.Ingestion;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Storage.Drills;

namespace RiskMonitor.Server.Drills;

/// <summary>What a drill step came to.</summary>
internal enum DrillStepStatus
{
    Done,
    UnknownDrill,
    NotAllowed,
    Conflict,
}

internal sealed record DrillStepResult(DrillStepStatus Status, Drill? Drill, int ClosedAlerts = 0);

/// <summary>
/// The orchestration of a drill (decision 0042): record each step, send injects through the MQTT ingestion path on the
/// drill channel (the same parsing, dispatch and rules as a device's message), and close the drill's alerts when it ends.
/// Shared by the endpoints and the scheduler; the report is <see cref="DrillReportQueries"/>'s.
/// </summary>
internal sealed class DrillRunner(
    IDrillStore drills,
    IngestionPipeline ingestion,
    IAssetRegistry registry,
    IGrainFactory grains,
    AlertReadModel board,
    TimeProvider time,
    ILogger<DrillRunner> logger)
{
    /// <summary>The client id the server's own injects carry in the ingestion counters and dead letters.</summary>
    public const string InjectClientId = "riskmonitor-drill";

    /// <summary><c>DR-yyyyMMdd-XXXXXX</c>: readable over a radio, random enough that two drills of a day never collide.</summary>
    public string NewDrillId()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return $"DR-{time.GetUtcNow():yyyyMMdd}-{RandomNumberGenerator.GetString(alphabet, 6)}";
    }

    /// <summary>Injects naming assets the registry does not have, keyed like the request's fields.</summary>
    public Dictionary<string, string[]> UnknownAssets(IReadOnlyList<DrillInject> injects, string field)
    {
        ArgumentNullException.ThrowIfNull(injects);
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < injects.Count; i++)
        {
            if (!registry.TryGet(injects[i].AssetId, out _))
            {
                errors[$"{field}[{i}].assetId"] = [$"No asset '{injects[i].AssetId}' in the registry."];
            }
        }

        return errors;
    }

    /// <summary>Records a new drill; an unscripted one runs at once and its scenario is sent.</summary>
    public async Task<bool> CreateAsync(Drill drill, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(drill);
        var toSend = drill.IsRunning ? drill.Scenario : [];
        var stored = drill.IsRunning ? DrillWorkflow.Record(drill, toSend, drill.CreatedBy, drill.CreatedAt).Drill : drill;
        if (!await drills.RecordAsync(null, stored, drill.IsRunning ? "started" : "scheduled", drill.CreatedBy, drill.CreatedAt, cancellationToken))
        {
            return false;
        }

        DrillLog.Stepped(logger, drill.DrillId, drill.Mode, drill.IsRunning ? "started" : "scheduled", drill.CreatedBy);
        await SendAsync(stored, toSend, drill.CreatedBy, cancellationToken);
        return true;
    }

    /// <summary>Starts a scheduled drill and sends its scenario; only the caller whose write lands sends it.</summary>
    public Task<DrillStepResult> StartAsync(string drillId, string actor, CancellationToken cancellationToken) =>
        StepAsync(drillId, actor, "started", (drill, now) =>
        {
            var (outcome, started) = DrillWorkflow.Start(drill, actor, now);
            return outcome == WorkflowOutcome.Done ? DrillWorkflow.Record(started, started.Scenario, actor, now) : (outcome, drill);
        }, d => d.Scenario, cancellationToken);

    /// <summary>Sends more injects into a running drill (an unscripted drill's next turn of events).</summary>
    public Task<DrillStepResult> InjectAsync(string drillId, IReadOnlyList<DrillInject> injects, string actor, CancellationToken cancellationToken) =>
        StepAsync(drillId, actor, "injected", (drill, now) => DrillWorkflow.Record(drill, injects, actor, now), _ => injects, cancellationToken);

    /// <summary>Ends a running drill (or cancels a scheduled one) and closes every alert of it that is still open.</summary>
    public async Task<DrillStepResult> EndAsync(string drillId, string actor, CancellationToken cancellationToken)
    {
        var result = await StepAsync(drillId, actor, "ended", (drill, now) => DrillWorkflow.End(drill, actor, now), _ => [], cancellationToken);
        if (result.Status != DrillStepStatus.Done)
        {
            return result;
        }

        // The keys the server sent to, and those of alerts raised by anyone else's injects (the simulator's drill mode).
        var keys = result.Drill!.AssetKeys
            .Concat(board.Alerts.Where(a => a.Drill == drillId).Select(a => a.AssetId))
            .Distinct(StringComparer.Ordinal);
        var closed = 0;
        foreach (var key in keys)
        {
            try
            {
                closed += await grains.GetGrain<IAssetGrain>(key).EndDrill(actor);
            }
            catch (Exception ex)
            {
                DrillLog.EndFailed(logger, ex, drillId, key);
            }
        }

        DrillLog.Ended(logger, drillId, closed);
        return result with { ClosedAlerts = closed };
    }

    private async Task<DrillStepResult> StepAsync(
        string drillId, string actor, string action, Func<Drill, DateTimeOffset, (WorkflowOutcome, Drill)> step,
        Func<Drill, IReadOnlyList<DrillInject>> toSend, CancellationToken cancellationToken)
    {
        if (await drills.FindAsync(drillId, cancellationToken) is not { } before)
        {
            return new(DrillStepStatus.UnknownDrill, null);
        }

        var now = time.GetUtcNow();
        var (outcome, after) = step(before, now);
        if (outcome != WorkflowOutcome.Done)
        {
            return new(DrillStepStatus.NotAllowed, before);
        }

        if (!await drills.RecordAsync(before, after, action, actor, now, cancellationToken))
        {
            return new(DrillStepStatus.Conflict, before); // someone else stepped first: nothing was sent twice
        }

        DrillLog.Stepped(logger, drillId, after.Mode, action, actor);
        await SendAsync(after, toSend(after), actor, cancellationToken);
        return new(DrillStepStatus.Done, after);
    }

    /// <summary>
    /// Each inject goes into the ingestion pipeline as an MQTT message on <c>rm/v1/{assetId}/drill</c> would: parsed,
    /// counted, dispatched in the asset's lane to the asset's drill key. Sent after the drill is recorded as running,
    /// because the drill key's grain asks the drill store before it takes an inject.
    /// </summary>
    private async Task SendAsync(Drill drill, IReadOnlyList<DrillInject> injects, string actor, CancellationToken cancellationToken)
    {
        if (injects.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        foreach (var inject in injects)
        {
            await ingestion.AcceptAsync(Topics.For(inject.AssetId, Topics.Drill), new ReadOnlySequence<byte>(Envelope(drill.DrillId, inject, now)),
                InjectClientId, cancellationToken);
        }

        DrillLog.Injected(logger, drill.DrillId, injects.Count, actor);
    }

    /// <summary>The drill channel's payload (docs/mqtt.md): the ordinary telemetry or event object inside an envelope naming the drill.</summary>
    public static byte[] Envelope(string drillId, DrillInject inject, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(inject);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("drill", drillId);
            if (inject.EventCode is { } code)
            {
                json.WriteStartObject("event");
                json.WriteNumber("ts", at.ToUnixTimeMilliseconds());
                json.WriteString("code", code);
                json.WriteBoolean("active", inject.Active);
                json.WriteEndObject();
            }
            else
            {
                json.WriteStartObject("telemetry");
                json.WriteNumber("ts", at.ToUnixTimeMilliseconds());
                json.WriteStartObject("values");
                json.WriteNumber(inject.Metric!, inject.Value!.Value);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
