using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace RiskMonitor.Grains.Tests;

/// <summary>
/// The write-behind loop without a silo: it retries a failing write on its own clock, and once the activation is gone
/// (flushed and stopped on deactivation) it neither retries nor starts again. Before the stop existed, a grain whose
/// write failed at deactivation logged "invalid activation" every 10 s until the process ended.
/// </summary>
public sealed class StateWriteBehindTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-07T02:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private int _attempts;

    [Fact]
    public async Task A_failing_write_is_retried_until_the_stop_and_never_after_it()
    {
        var writer = new StateWriteBehind(FailingWrite, () => Task.CompletedTask, _time, NullLogger.Instance, "asset/t-1", TimeSpan.Zero);

        writer.Request();
        await AttemptsReachAsync(1);
        _time.Advance(TimeSpan.FromMilliseconds(200)); // the first retry pause
        await AttemptsReachAsync(2);
        await writer.FlushAndStopAsync(TimeSpan.FromMilliseconds(50));
        _time.Advance(TimeSpan.FromMinutes(10));
        writer.Request();
        _time.Advance(TimeSpan.FromMinutes(10));
        await Task.Delay(200, TestContext.Current.CancellationToken); // room for a retry that must not come

        Assert.Equal(2, Volatile.Read(ref _attempts));
        Assert.False(writer.Busy);
    }

    [Fact]
    public async Task Writes_asked_for_before_the_stop_are_made_without_the_pause_and_the_stop_waits_for_them()
    {
        var written = new TaskCompletionSource();
        var writer = new StateWriteBehind(
            async () =>
            {
                await Task.Yield();
                Interlocked.Increment(ref _attempts);
                written.TrySetResult();
            },
            () => Task.CompletedTask, _time, NullLogger.Instance, "asset/t-2", TimeSpan.FromSeconds(30));

        writer.Request();
        writer.Request(); // asked for while the first write is in flight: one more write, at once, not after the pause
        await writer.FlushAndStopAsync(TimeSpan.FromSeconds(30));

        Assert.True(written.Task.IsCompleted);
        Assert.Equal(2, Volatile.Read(ref _attempts));
        Assert.False(writer.Busy);
    }

    private Task FailingWrite()
    {
        Interlocked.Increment(ref _attempts);
        return Task.FromException(new InvalidOperationException("Attempt to access an invalid activation"));
    }

    private async Task AttemptsReachAsync(int expected)
    {
        for (var i = 0; i < 500 && Volatile.Read(ref _attempts) < expected; i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.Equal(expected, Volatile.Read(ref _attempts));
    }
}
