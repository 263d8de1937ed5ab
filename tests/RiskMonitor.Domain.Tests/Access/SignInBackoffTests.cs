using RiskMonitor.Domain.Access;

namespace RiskMonitor.Domain.Tests.Access;

public sealed class SignInBackoffTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Five_failures_are_free_then_the_wait_doubles_up_to_the_cap()
    {
        var backoff = new SignInBackoff(freeFailures: 5, maxDelay: TimeSpan.FromSeconds(60));

        Assert.Equal(
            [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60],
            Enumerable.Range(1, 13).Select(f => backoff.Delay(f).TotalSeconds));
    }

    [Fact]
    public void An_attempt_inside_the_wait_is_refused_and_one_after_it_is_checked()
    {
        var backoff = new SignInBackoff();
        var now = T0;
        for (var i = 0; i < 7; i++)
        {
            Assert.Equal(TimeSpan.Zero, backoff.WaitFor("li.wei", now));
            backoff.Failed("li.wei", now);
            now += backoff.Delay(i + 1);
        }

        // 7 failures: the 8th attempt waits 2 s after the last failure.
        var last = now - backoff.Delay(7);
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.WaitFor("LI.WEI", last + TimeSpan.FromSeconds(1)));
        Assert.Equal(TimeSpan.Zero, backoff.WaitFor("li.wei", last + TimeSpan.FromSeconds(2)));
        Assert.Equal(TimeSpan.Zero, backoff.WaitFor("zhang.min", last)); // per name: another account is not affected
    }

    [Fact]
    public void Refused_attempts_do_not_lengthen_the_wait_so_an_attacker_cannot_hold_the_account_longer_than_the_cap()
    {
        var backoff = new SignInBackoff(maxDelay: TimeSpan.FromSeconds(60));
        for (var i = 0; i < 20; i++)
        {
            backoff.Failed("li.wei", T0);
        }

        // Hammering inside the wait only asks WaitFor (the caller does not report refused attempts as failures).
        for (var s = 0; s < 60; s++)
        {
            Assert.True(backoff.WaitFor("li.wei", T0 + TimeSpan.FromSeconds(s)) > TimeSpan.Zero);
        }

        Assert.Equal(TimeSpan.Zero, backoff.WaitFor("li.wei", T0 + TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public void A_success_or_a_quiet_quarter_hour_clears_the_name()
    {
        var backoff = new SignInBackoff();
        for (var i = 0; i < 8; i++)
        {
            backoff.Failed("a", T0);
            backoff.Failed("b", T0);
        }

        backoff.Succeeded("a");

        Assert.Equal(TimeSpan.Zero, backoff.WaitFor("a", T0));
        Assert.True(backoff.WaitFor("b", T0) > TimeSpan.Zero);
        Assert.Equal(TimeSpan.Zero, backoff.WaitFor("b", T0 + backoff.ForgetAfter));
        backoff.Failed("b", T0 + backoff.ForgetAfter);
        Assert.Equal(TimeSpan.Zero, backoff.WaitFor("b", T0 + backoff.ForgetAfter)); // counting starts again from one
    }

    [Fact]
    public void Made_up_names_beyond_the_tracking_limit_are_not_kept()
    {
        var backoff = new SignInBackoff(freeFailures: 0, maxTracked: 3);
        foreach (var name in new[] { "n1", "n2", "n3", "n4" })
        {
            backoff.Failed(name, T0);
        }

        Assert.True(backoff.WaitFor("n3", T0) > TimeSpan.Zero);
        Assert.Equal(TimeSpan.Zero, backoff.WaitFor("n4", T0));
        backoff.Failed("n5", T0 + backoff.ForgetAfter); // the old ones have expired: room again
        Assert.True(backoff.WaitFor("n5", T0 + backoff.ForgetAfter) > TimeSpan.Zero);
    }
}
