using RiskMonitor.Server.Platform.Scheduling;

namespace RiskMonitor.Server.Tests.Platform.Scheduling;

public sealed class NormalClassThreadTests
{
    [Fact]
    public async Task Work_started_there_and_every_continuation_of_it_run_on_its_one_thread()
    {
        using var follower = new NormalClassThread("test-follow");
        var seen = new List<(int Thread, string? Name)>();
        var work = follower.Start(async () =>
        {
            seen.Add((Environment.CurrentManagedThreadId, Thread.CurrentThread.Name));
            await Task.Yield();
            seen.Add((Environment.CurrentManagedThreadId, Thread.CurrentThread.Name));
            await Task.Delay(20, TestContext.Current.CancellationToken);
            seen.Add((Environment.CurrentManagedThreadId, Thread.CurrentThread.Name));
        });

        await work.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(3, seen.Count);
        Assert.All(seen, s => Assert.Equal(("test-follow", seen[0].Thread), (s.Name, s.Thread)));
        Assert.NotEqual(Environment.CurrentManagedThreadId, seen[0].Thread);
        Assert.Null(follower.MoveError); // a test host is not real-time: nothing to move, nothing refused
    }

    [Fact]
    public async Task A_failure_in_the_work_reaches_whoever_awaits_it()
    {
        using var follower = new NormalClassThread("test-follow");
        var failed = follower.Start(async () =>
        {
            await Task.Yield();
            throw new InvalidOperationException("worker gone");
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failed.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.Equal("worker gone", error.Message);
    }
}
