using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RiskMonitor.Storage.Influx;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Storage.Tests.Influx;

public sealed class InfluxHostingTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_host_starts_without_InfluxDB_and_keeps_the_spool_under_the_content_root()
    {
        var ct = TestContext.Current.CancellationToken;
        using var host = BuildHost(new()
        {
            ["Influx:Url"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["Influx:SpoolDirectory"] = "data/spool",
        });

        await host.StartAsync(ct);
        var writer = host.Services.GetRequiredService<IReadingWriter>();
        var answered = await writer.PingAsync(ct);
        await host.StopAsync(ct);

        Assert.False(answered);
        Assert.Same(writer, host.Services.GetRequiredService<IReadingWriter>());
        Assert.True(Directory.Exists(Path.Combine(_folder.Path, "data", "spool")));
    }

    [Theory]
    [InlineData("Influx:BatchSize", "0")]
    [InlineData("Influx:Url", "not a url")]
    [InlineData("Influx:Database", "x\"; DROP DATABASE y")]
    [InlineData("Influx:ApiVersion", "V2")]
    public async Task A_wrong_Influx_section_stops_the_host_at_start(string key, string value)
    {
        using var host = BuildHost(new() { [key] = value });

        var start = host.StartAsync(TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<OptionsValidationException>(() => start);
    }

    private IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _folder.Path });
        settings.TryAdd("Influx:CreateDatabase", "false");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddInfluxReadingWriter();
        return builder.Build();
    }
}
