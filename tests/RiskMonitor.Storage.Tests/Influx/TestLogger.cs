using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RiskMonitor.Storage.Tests.Influx;

internal sealed record LogEntry(LogLevel Level, EventId EventId, string Message);

/// <summary>Keeps what was logged so a test can assert on event ids, and echoes it to the test output.</summary>
internal sealed class TestLogger<T> : ILogger<T>
{
    private readonly ITestOutputHelper? _output = TestContext.Current.TestOutputHelper;

    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public bool Logged(int eventId) => Entries.Any(e => e.EventId.Id == eventId);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(
        LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        Entries.Enqueue(new LogEntry(logLevel, eventId, message));
        try
        {
            _output?.WriteLine($"{logLevel} {eventId.Id}: {message}");
        }
        catch (InvalidOperationException)
        {
            // The writer's loops can outlive the test that created them by a moment; their last lines are not needed.
        }
    }
}
