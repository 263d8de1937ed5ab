using RiskMonitor.Domain.Alerts;

namespace RiskMonitor.Domain.Drills;

/// <summary>
/// The drill lifecycle, pure: scheduled -> running -> ended (or scheduled -> cancelled). Injects are taken only while a
/// drill runs, so readings marked for a drill that has ended are refused instead of becoming alerts nobody expects.
/// </summary>
public static class DrillWorkflow
{
    /// <summary>At most this many injects in one plan or one call: a drill rehearses a few scenarios, not a load test.</summary>
    public const int MaxInjects = 50;

    /// <summary>
    /// A new drill. An unscripted one runs from <paramref name="now"/>; a scheduled one needs a time after now and starts
    /// then (the server's scheduler starts it, or a supervisor earlier).
    /// </summary>
    public static (Drill? Drill, IReadOnlyDictionary<string, string[]> Errors) Plan(
        string drillId, string? title, DrillMode mode, DateTimeOffset? scheduledFor, IReadOnlyList<DrillInject>? scenario, string actor, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(title) || title.Length > 200)
        {
            errors["title"] = ["Name the drill (1-200 characters), e.g. 燃气泄漏应急演练."];
        }

        if (mode == DrillMode.Scheduled && (scheduledFor is null || scheduledFor <= now))
        {
            errors["scheduledFor"] = ["A scheduled drill needs a start time in the future; an unscripted one starts now."];
        }

        if (mode == DrillMode.Unscripted && scheduledFor is not null)
        {
            errors["scheduledFor"] = ["An unscripted drill starts now and takes no start time."];
        }

        scenario ??= [];
        AddInjectErrors(scenario, errors, "scenario");
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var running = mode == DrillMode.Unscripted;
        return (new Drill(drillId, title!.Trim(), mode, running ? DrillStatus.Running : DrillStatus.Scheduled, now, actor, scheduledFor,
            running ? now : null, running ? actor : null, null, null, [.. scenario], [], now), errors);
    }

    /// <summary>Problems with a list of injects, keyed <c>{prefix}[i].field</c>; none when every inject can be sent.</summary>
    public static void AddInjectErrors(IReadOnlyList<DrillInject> injects, Dictionary<string, string[]> errors, string prefix)
    {
        ArgumentNullException.ThrowIfNull(injects);
        ArgumentNullException.ThrowIfNull(errors);
        if (injects.Count > MaxInjects)
        {
            errors[prefix] = [$"At most {MaxInjects} injects."];
            return;
        }

        for (var i = 0; i < injects.Count; i++)
        {
            if (InjectProblem(injects[i]) is { } problem)
            {
                errors[$"{prefix}[{i}]"] = [problem];
            }
        }
    }

    /// <summary>Why an inject cannot be sent, or null.</summary>
    public static string? InjectProblem(DrillInject? inject)
    {
        if (inject is null || string.IsNullOrWhiteSpace(inject.AssetId) || inject.AssetId.Length > 64 ||
            !inject.AssetId.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            return "Name a registered asset ([A-Za-z0-9._-]{1,64}).";
        }

        var reading = inject.Metric is not null || inject.Value is not null;
        var deviceEvent = inject.EventCode is not null;
        if (reading == deviceEvent)
        {
            return "Give either a reading (metric and value) or a device event (eventCode), not both.";
        }

        if (reading && (string.IsNullOrWhiteSpace(inject.Metric) || inject.Metric.Length > 64 ||
                        !inject.Metric.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') ||
                        inject.Value is not { } value || !double.IsFinite(value)))
        {
            return "A reading needs a metric ([A-Za-z0-9_.-]{1,64}) and a finite value.";
        }

        if (deviceEvent && (inject.EventCode!.Length is 0 or > 64 || !inject.EventCode.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_')))
        {
            return "An event code is [a-z0-9_]{1,64}, e.g. entrapment.";
        }

        return null;
    }

    public static (WorkflowOutcome Outcome, Drill Drill) Start(Drill drill, string actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(drill);
        return drill.Status == DrillStatus.Scheduled
            ? (WorkflowOutcome.Done, drill with { Status = DrillStatus.Running, StartedAt = now, StartedBy = actor, UpdatedAt = now })
            : (WorkflowOutcome.NotAllowed, drill);
    }

    /// <summary>Records injects sent; only a running drill takes them.</summary>
    public static (WorkflowOutcome Outcome, Drill Drill) Record(Drill drill, IReadOnlyList<DrillInject> injects, string actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(drill);
        ArgumentNullException.ThrowIfNull(injects);
        return drill.IsRunning
            ? (WorkflowOutcome.Done, drill with { Injections = [.. drill.Injections, .. injects.Select(i => new DrillInjection(now, actor, i))], UpdatedAt = now })
            : (WorkflowOutcome.NotAllowed, drill);
    }

    /// <summary>Ends a running drill, or cancels one that has not started; an ended drill stays ended.</summary>
    public static (WorkflowOutcome Outcome, Drill Drill) End(Drill drill, string actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(drill);
        return drill.Status switch
        {
            DrillStatus.Running => (WorkflowOutcome.Done, drill with { Status = DrillStatus.Ended, EndedAt = now, EndedBy = actor, UpdatedAt = now }),
            DrillStatus.Scheduled => (WorkflowOutcome.Done, drill with { Status = DrillStatus.Cancelled, EndedAt = now, EndedBy = actor, UpdatedAt = now }),
            _ => (WorkflowOutcome.NotAllowed, drill),
        };
    }

    /// <summary>A scheduled drill whose time has come.</summary>
    public static bool DueToStart(Drill drill, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(drill);
        return drill.Status == DrillStatus.Scheduled && drill.ScheduledFor <= now;
    }
}
