using Microsoft.Extensions.Hosting;

namespace RiskMonitor.Storage.Alerts.Journal;

/// <summary>
/// Opens the journal in <see cref="IHostedLifecycleService.StartingAsync"/>, after the schema migration and before the
/// silo starts: every change an earlier run left on disk is back in the overlay before any grain can activate and read
/// its alerts. Closes it last on stop.
/// </summary>
internal sealed class AlertJournalService(AlertJournal journal, PostgresAlertStore store) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken) =>
        journal.Open(await store.ReadCheckpointAsync(journal.NodeId, cancellationToken));

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken) => await journal.DisposeAsync();
}
