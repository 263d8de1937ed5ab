using RiskMonitor.Domain.Integration;

namespace RiskMonitor.Domain.Tests.Integration;

public sealed class WebhookHealthTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan FailingAfter = TimeSpan.FromMinutes(10);

    [Fact]
    public void A_subscriber_stays_active_through_failures_shorter_than_the_limit_then_is_failing()
    {
        var health = WebhookHealth.Healthy.Failed(T0, FailingAfter, "503").Failed(T0.AddMinutes(9), FailingAfter, "503");

        Assert.Equal((WebhookState.Active, T0, 2), (health.State, health.FirstFailureAt, health.ConsecutiveFailures));

        health = health.Failed(T0.AddMinutes(10), FailingAfter, "connection refused");

        Assert.Equal(WebhookState.Failing, health.State);
        Assert.Equal(T0, health.FirstFailureAt);
        Assert.Equal("connection refused", health.LastError);
    }

    [Fact]
    public void One_success_makes_a_failing_subscriber_active_and_the_next_failure_starts_a_new_count()
    {
        var failing = WebhookHealth.Healthy.Failed(T0, FailingAfter, "x").Failed(T0.AddHours(1), FailingAfter, "x");

        var resumed = failing.Delivered();
        var again = resumed.Failed(T0.AddHours(2), FailingAfter, "y");

        Assert.Equal(WebhookState.Failing, failing.State);
        Assert.Equal(WebhookHealth.Healthy, resumed);
        Assert.Equal((WebhookState.Active, T0.AddHours(2), 1), (again.State, again.FirstFailureAt, again.ConsecutiveFailures));
    }
}
