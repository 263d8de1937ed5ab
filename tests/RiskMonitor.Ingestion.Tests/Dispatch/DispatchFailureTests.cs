using Orleans.Runtime;
using RiskMonitor.Ingestion.Dispatch;

namespace RiskMonitor.Ingestion.Tests.Dispatch;

/// <summary>Which failures the dispatcher waits out (the platform's) and which it dead-letters after a few attempts (the grain's).</summary>
public sealed class DispatchFailureTests
{
    public static TheoryData<Exception, bool> Failures() => new()
    {
        { new SiloUnavailableException("silo S1 is dead"), true },
        { new OrleansException("message rejected"), true },
        { new TimeoutException("response did not arrive"), true },
        { new InvalidOperationException("activation failed", new System.Net.Sockets.SocketException(111)), true },
        { new InvalidOperationException("activation failed", new IOException("connection reset")), true },
        { new InvalidOperationException("Asset 'x' is not in the registry."), false },
        { new ArgumentOutOfRangeException("action"), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Platform_failures_are_waited_out_and_grain_errors_are_not(Exception failure, bool transient) =>
        Assert.Equal(transient, GrainDispatcher.IsTransient(failure));
}
