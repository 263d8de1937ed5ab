using Microsoft.Extensions.Options;
using RiskMonitor.Domain.Messaging;
using RiskMonitor.Domain.Reports;
using RiskMonitor.Server.Messaging;
using RiskMonitor.Server.Reports.Circulars;
using RiskMonitor.Storage.Reports;

namespace RiskMonitor.Server.Reports.Subscriptions;

/// <summary>
/// Scheduled reports by e-mail (decision 0056). On each pass of the circular schedule (<see cref="CircularScheduler"/>)
/// every subscription's ended periods are queued in the record outbox (decision 0042) as one message per subscription
/// and period; the outbox drops a second copy, so every node may ask on every pass and each report is sent once, and a
/// down SMTP server is retried with the outbox's backoff. The files are rendered when the message is sent
/// (<see cref="CircularAttachments"/>), from the ledger as it stands then.
/// </summary>
internal sealed class ScheduledReports(IReportSubscriptionStore subscriptions, RecordMessageSender sender, IOptions<CircularOptions> options)
{
    /// <summary>Queues the reports due at <paramref name="now"/>; returns how many were asked for (the outbox drops those queued before).</summary>
    public async Task<int> EnqueueDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var asked = 0;
        foreach (var subscription in await subscriptions.ListAsync(cancellationToken))
        {
            foreach (var from in ReportSchedule.DuePeriods(subscription, now, settings.UtcOffset, settings.ReportCatchUp))
            {
                await sender.EnqueueAsync(RecordMessage.ScheduledReport(subscription, from, settings.UtcOffset, now), cancellationToken);
                asked++;
            }
        }

        return asked;
    }
}

/// <summary>A scheduled report's files (decision 0056): the circular of its period and regions as PDF and .xlsx, named as the downloads are.</summary>
internal sealed class CircularAttachments(CircularSource source, IOptions<CircularOptions> options) : IReportAttachments
{
    public const string PdfType = "application/pdf";
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public async Task<IReadOnlyList<MailAttachment>> RenderAsync(ReportAttachment report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var offset = options.Value.UtcOffset;
        var circular = await source.BuildAsync(report.Period, report.Day, report.Regions, cancellationToken);
        var title = Circular.Title(report.Period, circular.From, offset);
        var name = CircularEndpoints.FileName(report.Period, circular.From, offset);
        CircularFontResolver.EnsureInstalled(options.Value.FontPath);
        return
        [
            new MailAttachment(name + ".pdf", PdfType, CircularPdf.Write(circular, title, offset)),
            new MailAttachment(name + ".xlsx", XlsxType, CircularXlsx.Write(circular, title, offset)),
        ];
    }
}
