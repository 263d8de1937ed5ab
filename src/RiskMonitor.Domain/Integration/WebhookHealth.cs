namespace RiskMonitor.Domain.Integration;

/// <summary>Whether a subscriber is taking deliveries: <c>active</c>, or <c>failing</c> after failing for too long.</summary>
public enum WebhookState
{
    Active,
    Failing,
}

/// <summary>
/// The health of one webhook subscription. A subscriber becomes <see cref="WebhookState.Failing"/> once its deliveries
/// have failed without a single success for <c>failingAfter</c>; the first success makes it active again. Failing is a
/// label for operators, not a stop: its deliveries go on at the longest retry delay, from its cursor, so it resumes by
/// itself when it answers again.
/// </summary>
public sealed record WebhookHealth(WebhookState State, DateTimeOffset? FirstFailureAt, int ConsecutiveFailures, string? LastError)
{
    public static WebhookHealth Healthy { get; } = new(WebhookState.Active, null, 0, null);

    /// <summary>A delivery failed at <paramref name="at"/>.</summary>
    public WebhookHealth Failed(DateTimeOffset at, TimeSpan failingAfter, string error)
    {
        var since = FirstFailureAt ?? at;
        var state = at - since >= failingAfter ? WebhookState.Failing : State;
        return new WebhookHealth(state, since, ConsecutiveFailures + 1, error);
    }

    /// <summary>A delivery succeeded: the subscriber is active, whatever came before.</summary>
    public WebhookHealth Delivered() => Healthy;
}
