using Microsoft.Extensions.Time.Testing;
using RiskMonitor.Storage.Diagnostics;

namespace RiskMonitor.Storage.Tests.Diagnostics;

public sealed class LogGateTests
{
    [Fact]
    public void The_first_line_passes_the_rest_wait_for_the_interval_and_the_next_line_counts_them()
    {
        var clock = new FakeTimeProvider();
        var gate = new LogGate(TimeSpan.FromSeconds(30), clock);

        Assert.True(gate.TryPass(out var first));
        Assert.Equal(0, first);
        for (var i = 0; i < 5; i++)
        {
            Assert.False(gate.TryPass(out _));
        }

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(gate.TryPass(out _));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(gate.TryPass(out var held));
        Assert.Equal(6, held);
        Assert.False(gate.TryPass(out _));
    }

    [Fact]
    public void Many_threads_at_once_let_one_line_through_and_count_every_other()
    {
        var gate = new LogGate(TimeSpan.FromHours(1), new FakeTimeProvider());
        var passed = 0;
        Parallel.For(0, 10_000, _ =>
        {
            if (gate.TryPass(out _))
            {
                Interlocked.Increment(ref passed);
            }
        });

        Assert.Equal(1, passed);
        var clock = new FakeTimeProvider();
        var later = new LogGate(TimeSpan.FromSeconds(1), clock);
        Parallel.For(0, 1_000, _ => later.TryPass(out _));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(later.TryPass(out var held));
        Assert.Equal(999, held);
    }
}
