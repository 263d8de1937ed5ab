using Microsoft.Extensions.Options;
using RiskMonitor.Domain.Reports;

namespace RiskMonitor.Server.Reports.Circulars;

/// <summary>
/// Writes the city-wide circular of every period that has ended (yesterday, last week, last month, last quarter) as PDF
/// and .xlsx into <see cref="CircularOptions.OutputDirectory"/>, once: a period whose PDF is there is skipped, so a
/// restart or a second node does not write it again (a second node racing on the same file writes the same bytes
/// through a rename); no files while the directory is unset. On the same pass, the subscribers' reports that are due are
/// queued for e-mail (<see cref="Subscriptions.ScheduledReports"/>, decision 0056): one schedule, not two. Its clock is
/// the reports' (<see cref="ReportsModule.TimeKey"/>), so a test can end a period.
/// </summary>
internal sealed class CircularScheduler(
    CircularSource source, Subscriptions.ScheduledReports reports, IOptions<CircularOptions> options,
    [FromKeyedServices(ReportsModule.TimeKey)] TimeProvider time, ILogger<CircularScheduler> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (options.Value.OutputDirectory is { Length: > 0 } directory)
                {
                    await WriteDueAsync(directory, stoppingToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                CircularLog.ScheduleFailed(logger, ex);
            }

            try
            {
                await reports.EnqueueDueAsync(time.GetUtcNow(), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                CircularLog.ReportsFailed(logger, ex);
            }

            await Task.Delay(await NextPassInAsync(stoppingToken), time, stoppingToken);
        }
    }

    /// <summary>
    /// The schedule interval, or less when a shift change comes first and someone subscribes to the handover (decision
    /// 0061): the pass then runs a second after the change, so the report reaches the shift as it takes over.
    /// </summary>
    private async Task<TimeSpan> NextPassInAsync(CancellationToken cancellationToken)
    {
        var interval = options.Value.ScheduleInterval;
        try
        {
            var now = time.GetUtcNow();
            return await reports.NextChangeAsync(now, now + interval, cancellationToken) is { } change
                ? change - now + TimeSpan.FromSeconds(1)
                : interval;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            CircularLog.ReportsFailed(logger, ex);
            return interval;
        }
    }

    /// <summary>Writes the files of the ended periods that have none yet; returns the paths written.</summary>
    public async Task<IReadOnlyList<string>> WriteDueAsync(string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var offset = options.Value.UtcOffset;
        var today = DateOnly.FromDateTime(time.GetUtcNow().ToOffset(offset).DateTime);
        var written = new List<string>();
        foreach (var kind in Enum.GetValues<CircularPeriod>())
        {
            var (current, _) = Circular.PeriodOf(kind, today, offset);
            var last = Circular.PreviousFrom(kind, current, offset);
            var name = Path.Combine(directory, CircularEndpoints.FileName(kind, last, offset));
            if (File.Exists(name + ".pdf"))
            {
                continue;
            }

            var report = await source.BuildAsync(kind, DateOnly.FromDateTime(last.ToOffset(offset).DateTime), [], cancellationToken);
            var title = Circular.Title(kind, report.From, offset);
            CircularFontResolver.EnsureInstalled(options.Value.FontPath);
            await WriteAtomicallyAsync(name + ".xlsx", CircularXlsx.Write(report, title, offset), cancellationToken);
            await WriteAtomicallyAsync(name + ".pdf", CircularPdf.Write(report, title, offset), cancellationToken);
            CircularLog.Written(logger, kind, name);
            written.Add(name + ".pdf");
        }

        return written;
    }

    private static async Task WriteAtomicallyAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllBytesAsync(temporary, bytes, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }
}

internal static partial class CircularLog
{
    [LoggerMessage(EventId = 4660, Level = LogLevel.Information, Message = "Wrote the {Period} circular {Path}.pdf and .xlsx")]
    public static partial void Written(ILogger logger, CircularPeriod period, string path);

    [LoggerMessage(EventId = 4661, Level = LogLevel.Error, Message = "Writing the scheduled circulars failed; tried again at the next interval")]
    public static partial void ScheduleFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4961, Level = LogLevel.Error, Message = "Queueing the subscribers' reports failed; tried again at the next interval")]
    public static partial void ReportsFailed(ILogger logger, Exception exception);
}
