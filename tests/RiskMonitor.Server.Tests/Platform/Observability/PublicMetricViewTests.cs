using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using RiskMonitor.Server.Platform.Observability;

namespace RiskMonitor.Server.Tests.Platform.Observability;

/// <summary>Issue 24 row 4: exception type names do not reach the public <c>/metrics</c>.</summary>
public sealed class PublicMetricViewTests
{
    [Fact]
    public void Exception_counts_are_dropped_and_error_type_is_left_out_of_the_request_and_connection_durations()
    {
        using var diagnostics = new Meter("Microsoft.AspNetCore.Diagnostics");
        using var hosting = new Meter("Microsoft.AspNetCore.Hosting");
        using var kestrel = new Meter("Microsoft.AspNetCore.Server.Kestrel");

        var exceptions = ObservabilityHosting.PublicView(diagnostics.CreateCounter<long>("aspnetcore.diagnostics.exceptions"));
        var requests = ObservabilityHosting.PublicView(hosting.CreateHistogram<double>("http.server.request.duration"));
        var connections = ObservabilityHosting.PublicView(kestrel.CreateHistogram<double>("kestrel.connection.duration"));
        var active = ObservabilityHosting.PublicView(hosting.CreateUpDownCounter<long>("http.server.active_requests"));
        using var runtime = new Meter("System.Runtime");
        var thrown = ObservabilityHosting.PublicView(runtime.CreateCounter<long>("dotnet.exceptions"));

        Assert.Same(MetricStreamConfiguration.Drop, exceptions);
        Assert.DoesNotContain("error.type", requests!.TagKeys!);
        Assert.Contains("http.route", requests.TagKeys!);
        Assert.DoesNotContain("error.type", connections!.TagKeys!);
        Assert.Null(active);
        Assert.Empty(thrown!.TagKeys!); // counted, but not by exception type
    }
}
