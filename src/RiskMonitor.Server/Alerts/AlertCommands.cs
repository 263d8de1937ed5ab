using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Orleans;

namespace RiskMonitor.Server.Alerts;

/// <summary>
/// An operator's step on an alert (assign, comment, acknowledge, start, resolve, close): checks who takes it and why,
/// hands it to the grain that holds the alert, and turns the grain's answer into the API's. Talks to the grains through
/// <see cref="IGrainGateway"/> only, so every refusal is tested without a silo.
/// </summary>
internal sealed class AlertCommands(IGrainGateway grains)
{
    public async Task<Results<Ok<AlertView>, ValidationProblem, ProblemHttpResult>> ActAsync(string alertId, AlertActionKind kind, AlertActionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Check(kind, request) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (AlertBook.AssetIdOf(alertId) is not { } assetId)
        {
            return Problems.NotFound("Unknown alert", $"No alert '{alertId}'.");
        }

        var result = await grains.HandleAlertAsync(assetId, new AlertAction(alertId, kind, request.Actor!, request.Note)
        {
            Assignee = request.Assignee?.Trim(),
            Cause = string.IsNullOrWhiteSpace(request.Cause) ? null : request.Cause.Trim(),
        });
        return result.Status switch
        {
            AlertActionStatus.Done => TypedResults.Ok(result.Alert!),
            AlertActionStatus.UnknownAlert => Problems.NotFound("Unknown alert", $"No open alert '{alertId}'."),
            _ => Problems.Conflict(
                "Step not allowed",
                $"Cannot {kind} alert '{alertId}' in state {result.Alert?.State} (condition active: {result.Alert?.ConditionActive}). " +
                "Acknowledge needs an open alert; resolve needs the condition gone; close needs a resolved alert; nothing changes a closed one."),
        };
    }

    private static Dictionary<string, string[]> Check(AlertActionKind kind, AlertActionRequest request)
    {
        // Every step is an audited act by a named person, so an anonymous one is refused.
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Actor) || request.Actor.Length > 100)
        {
            errors[nameof(request.Actor)] = ["Name the person taking this step (1-100 characters)."];
        }

        if (kind is AlertActionKind.Resolve or AlertActionKind.Close or AlertActionKind.Comment && string.IsNullOrWhiteSpace(request.Note))
        {
            errors[nameof(request.Note)] = ["Resolving, closing and commenting need a note: the cause found, the check made, the remark."];
        }

        if (kind == AlertActionKind.Assign && (string.IsNullOrWhiteSpace(request.Assignee) || request.Assignee.Length > 100))
        {
            errors[nameof(request.Assignee)] = ["Name the person the alert is assigned to (1-100 characters)."];
        }

        if (request.Cause is { Length: > 100 })
        {
            errors[nameof(request.Cause)] = ["A cause is at most 100 characters (e.g. false_alarm, leak_repaired)."];
        }

        if (request.Note is { Length: > 4000 })
        {
            errors[nameof(request.Note)] = ["A note is at most 4000 characters."];
        }

        return errors;
    }
}
