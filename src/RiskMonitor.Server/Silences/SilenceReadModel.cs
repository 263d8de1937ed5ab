using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Escalation;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Storage.Silences;

namespace RiskMonitor.Server.Silences;

/// <summary>
/// The silences not yet over, kept in memory so that every alert read or pushed can say whether a silence covers it
/// (<see cref="AlertView.SilencedBy"/>) without a query. Reloaded at start, after each change made through this node,
/// and every <see cref="RefreshInterval"/> (changes made on another node). Whether a silence is in force is decided
/// with the current time on each use, so a window that starts or ends needs no reload.
/// </summary>
internal sealed class SilenceReadModel(ISilenceStore store, IRegionChain regions, TimeProvider time, ILogger<SilenceReadModel> logger) : BackgroundService
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);

    private volatile IReadOnlyList<Silence> _silences = [];

    public IReadOnlyList<Silence> Silences => _silences;

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        _silences = await store.ListAsync(time.GetUtcNow(), includeEnded: false, cancellationToken);
    }

    /// <summary>The silence that covers the alert now, or null.</summary>
    public Silence? Covering(AlertView alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var silences = _silences;
        if (silences.Count == 0)
        {
            return null; // the common case: nothing to match, no region walk
        }

        var subject = new SilenceSubject(alert.AssetId, alert.Kind, [alert.RegionId, .. regions.Above(alert.RegionId).Select(r => r.RegionId)]);
        return Silence.Covering(silences, subject, time.GetUtcNow());
    }

    /// <summary>The alert with <see cref="AlertView.SilencedBy"/> as of now.</summary>
    public AlertView Decorate(AlertView alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var silenceId = alert.State == AlertState.Closed ? null : Covering(alert)?.SilenceId;
        return silenceId == alert.SilencedBy ? alert : alert with { SilencedBy = silenceId };
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshInterval, time);
        try
        {
            do
            {
                try
                {
                    await RefreshAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    SilenceLog.RefreshFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }
}

internal static partial class SilenceLog
{
    [LoggerMessage(EventId = 4301, Level = LogLevel.Warning, Message = "Reloading the silences failed; the previous list stays in use")]
    public static partial void RefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Information, Message = "Silence {SilenceId} created by {Author}: {Scope} {Target} from {StartsAt} to {EndsAt} ({Reason})")]
    public static partial void Created(ILogger logger, string silenceId, string author, SilenceScope scope, string target, DateTimeOffset startsAt, DateTimeOffset endsAt, string reason);

    [LoggerMessage(EventId = 4303, Level = LogLevel.Information, Message = "Silence {SilenceId} expired by {Actor}")]
    public static partial void Expired(ILogger logger, string silenceId, string actor);
}
