using Microsoft.Extensions.Logging;
using Orleans.Storage;
using RiskMonitor.Storage.Diagnostics;

namespace RiskMonitor.Grains;

/// <summary>
/// Writes a grain's persisted state behind its work: <see cref="Request"/> never waits for the storage, at most one
/// write is in flight, and changes made meanwhile are folded into the next write (the newest state wins). A failed
/// write (PostgreSQL down or frozen) is retried with a growing pause, so an outage costs freshness of the stored
/// state, never the grain's speed. Alerts do not depend on it: their system of record is the alert journal.
/// </summary>
/// <remarks>
/// Writes are at least <paramref name="minInterval"/> apart. Start it from grain code only: its loop then runs on the activation's scheduler, never in parallel with a call, and
/// <paramref name="write"/> takes the grain's state as it is when the write starts; <paramref name="reread"/> refreshes
/// the ETag after a conflict.
/// </remarks>
internal sealed class StateWriteBehind(Func<Task> write, Func<Task> reread, TimeProvider time, ILogger logger, string grainId, TimeSpan minInterval)
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stopped = new();
    private bool _dirty;
    private bool _flushing;
    private Task _loop = Task.CompletedTask;
    private CancellationTokenSource? _pause;

    /// <summary>True while a write is due or in flight.</summary>
    public bool Busy => !_loop.IsCompleted;

    /// <summary>Asks for the current state to be written; returns at once.</summary>
    public void Request()
    {
        _dirty = true;
        if (_loop.IsCompleted && !_stopped.IsCancellationRequested)
        {
            _loop = LoopAsync();
        }
    }

    /// <summary>
    /// Deactivation: waits for the writes asked for so far, up to <paramref name="timeout"/> (best effort), then stops.
    /// Once the activation is gone its writes can only fail ("invalid activation"), so a write still failing then is
    /// abandoned rather than retried for ever; the next activation starts from what was stored.
    /// </summary>
    public async Task FlushAndStopAsync(TimeSpan timeout)
    {
        _flushing = true; // no pause after a write from now on: what is due is written at once
        if (!_loop.IsCompleted)
        {
            _pause?.Cancel(); // write what is due now rather than after the pause
            // A bound on how long a deactivation waits, not domain time: real time, also under a test's fake clock.
            await Task.WhenAny(_loop, Task.Delay(timeout, TimeProvider.System));
        }

        await _stopped.CancelAsync();
    }

    private static async Task TryAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception)
        {
            // The next write attempt reports what is wrong.
        }
    }

    private async Task LoopAsync()
    {
        var delay = FirstRetryDelay;
        while (_dirty && !_stopped.IsCancellationRequested)
        {
            _dirty = false;
            try
            {
                await write();
                delay = FirstRetryDelay;
                if (minInterval > TimeSpan.Zero && !_flushing)
                {
                    // Changes meanwhile are folded into one write after the pause: an alert storm or a flapping sensor
                    // costs PostgreSQL one write per grain per interval, not one per change.
                    using var pause = _pause = new CancellationTokenSource();
                    try
                    {
                        await Task.Delay(minInterval, time, pause.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        // flushed: write now
                    }

                    _pause = null;
                }
            }
            catch (InconsistentStateException)
            {
                // A write that timed out may still have landed, leaving our ETag behind: take the stored one and write
                // our (newer) state over it.
                _dirty = true;
                await TryAsync(reread);
            }
            catch (Exception ex)
            {
                _dirty = true;
                StateLog.WriteFailed(logger, ex, grainId, delay);
                try
                {
                    await Task.Delay(delay, time, _stopped.Token);
                }
                catch (OperationCanceledException)
                {
                    return; // stopped: the activation is gone
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }
}

internal static partial class StateLog
{
    // One line per 30 s for the whole node: during an outage every grain retries, and each retry said the same thing.
    private static readonly LogGate Gate = new(TimeSpan.FromSeconds(30));

    [LoggerMessage(EventId = 2701, Level = LogLevel.Warning,
        Message = "Grain {GrainId} could not write its state ({Reason}); retrying in {Delay}. Failed writes not logged since the last such line: {Held}")]
    private static partial void WriteFailed(ILogger logger, string grainId, string reason, TimeSpan delay, long held);

    // The message only: during an outage this repeats per grain, and the stack says nothing new.
    public static void WriteFailed(ILogger logger, Exception exception, string grainId, TimeSpan delay)
    {
        if (Gate.TryPass(out var held))
        {
            WriteFailed(logger, grainId, exception.GetBaseException().Message, delay, held);
        }
    }
}
