using System.Collections.Concurrent;

namespace RiskMonitor.Server.Platform.Scheduling;

/// <summary>
/// One thread of its own that runs the tasks queued to it, and their continuations, in the normal scheduling class
/// (<see cref="SchedulingClass"/>): for work a person waits seconds for that must not take a core from the live path in
/// a real-time server. Tasks run one at a time, so what runs here must not block.
/// </summary>
internal sealed class NormalClassThread : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<Task> _queue = new();
    private readonly Thread _thread;

    public NormalClassThread(string name)
    {
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Why the thread could not be moved to the normal class, or null (moved, or nothing to move).</summary>
    public string? MoveError { get; private set; }

    public override int MaximumConcurrencyLevel => 1;

    /// <summary>Runs <paramref name="work"/> here; its awaits come back here.</summary>
    public Task Start(Func<Task> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, this).Unwrap();

    public void Dispose()
    {
        _queue.CompleteAdding();
        _queue.Dispose();
    }

    protected override void QueueTask(Task task) => _queue.Add(task);

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        Thread.CurrentThread == _thread && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    private void Run()
    {
        // The runtime starts a thread at the class and priority it maps "normal" to (in a real-time process, the middle
        // of the round-robin range), so the thread moves itself once it runs.
        MoveError = SchedulingClass.MoveThisThreadToNormal();
        try
        {
            foreach (var task in _queue.GetConsumingEnumerable())
            {
                TryExecuteTask(task);
            }
        }
        catch (ObjectDisposedException)
        {
            // Disposed while waiting: the host is stopping.
        }
    }
}
