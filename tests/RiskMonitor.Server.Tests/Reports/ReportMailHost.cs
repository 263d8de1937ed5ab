using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RiskMonitor.Server.Reports;
using RiskMonitor.Server.Tests.Messaging;

namespace RiskMonitor.Server.Tests.Reports;

/// <summary>
/// The e-mailed report tests' host: a real SMTP server (smtp4dev) and a server on PostgreSQL with the circulars' test
/// city, whose report schedule runs on <see cref="Clock"/> so that a test moves it from one period or shift to the next.
/// </summary>
internal sealed class ReportMailHost : IAsyncDisposable
{
    public Smtp4devMailbox Mailbox { get; } = new();

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public OwnServer Server { get; private set; } = null!;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Mailbox.StartAsync(cancellationToken);
        Server = await OwnServer.StartAsync(
            Mailbox.ServerSettings(), cancellationToken, assetsGeoJson: CircularEndToEndTests.Registry(), regionsGeoJson: TestCity.Regions(),
            configure: builder => builder.Services.AddKeyedSingleton<TimeProvider>(ReportsModule.TimeKey, Clock));
    }

    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        await Mailbox.DisposeAsync();
    }
}
