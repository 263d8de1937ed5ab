using Microsoft.Extensions.Options;
using RiskMonitor.Domain.Access;
using RiskMonitor.Domain.Messaging;
using RiskMonitor.Domain.Reports;
using RiskMonitor.Server.Messaging;
using RiskMonitor.Server.Reports.Circulars;
using RiskMonitor.Storage.Duty;
using RiskMonitor.Storage.Reports;

namespace RiskMonitor.Server.Reports.Subscriptions;

/// <summary>
/// Scheduled reports by e-mail (decisions 0056, 0061). On each pass of the circular schedule (<see cref="CircularScheduler"/>)
/// every subscription's ended periods, and every handover subscription's latest shift change, are queued in the record outbox (decision 0042) as one message per subscription
/// and period; the outbox drops a second copy, so every node may ask on every pass and each report is sent once, and a
/// down SMTP server is retried with the outbox's backoff. The files are rendered when the message is sent
/// (<see cref="CircularAttachments"/>), from the ledger as it stands then.
/// </summary>
internal sealed class ScheduledReports(
    IReportSubscriptionStore subscriptions, RecordMessageSender sender, IDutyRoster roster, IOptions<CircularOptions> options)
{
    /// <summary>Queues the reports due at <paramref name="now"/>; returns how many were asked for (the outbox drops those queued before).</summary>
    public async Task<int> EnqueueDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var asked = 0;
        var all = await subscriptions.ListAsync(cancellationToken);
        foreach (var subscription in all)
        {
            foreach (var from in ReportSchedule.DuePeriods(subscription, now, settings.UtcOffset, settings.ReportCatchUp))
            {
                await sender.EnqueueAsync(RecordMessage.ScheduledReport(subscription, from, settings.UtcOffset, now), cancellationToken);
                asked++;
            }
        }

        // The shift handovers (decision 0061): the changes within the catch-up, read once for every subscription.
        var handovers = all.Where(s => s is { Report: ReportKind.Handover, Retired: false }).ToList();
        if (handovers.Count > 0)
        {
            var changes = await ChangesAsync(now - settings.HandoverCatchUp, now, cancellationToken);
            foreach (var subscription in handovers)
            {
                if (HandoverSchedule.Due(subscription, changes, now, settings.HandoverCatchUp) is { } change)
                {
                    await sender.EnqueueAsync(RecordMessage.ShiftHandoverReport(subscription, change, settings.UtcOffset, now), cancellationToken);
                    asked++;
                }
            }
        }

        return asked;
    }

    /// <summary>
    /// The first shift change after <paramref name="now"/> and no later than <paramref name="horizon"/> when anyone
    /// subscribes to the handover, else null: the schedule wakes for it, so the report goes out at the change rather
    /// than up to a schedule interval after it.
    /// </summary>
    public async Task<DateTimeOffset?> NextChangeAsync(DateTimeOffset now, DateTimeOffset horizon, CancellationToken cancellationToken)
    {
        if (!(await subscriptions.ListAsync(cancellationToken)).Any(s => s is { Report: ReportKind.Handover, Retired: false }))
        {
            return null;
        }

        var changes = await ChangesAsync(now, horizon, cancellationToken);
        return changes.Count == 0 ? null : changes[0];
    }

    /// <summary>The shift changes in (from, to]: the configured handover times, or else each roster shift's start.</summary>
    private async Task<IReadOnlyList<DateTimeOffset>> ChangesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.HandoverTimes.Count > 0)
        {
            return HandoverSchedule.ConfiguredChanges(settings.HandoverTimes, from, to, settings.UtcOffset);
        }

        // A shift starting exactly at `to` overlaps [from, to + 1 tick), and one that started at or before `from` is not a change in the window.
        var shifts = await roster.ListAsync(from, to.AddTicks(1), cancellationToken);
        return [.. shifts.Select(s => s.StartsAt).Where(s => s > from && s <= to).Distinct().Order()];
    }
}

/// <summary>A scheduled report's files (decision 0056): the circular of its period and regions as PDF and .xlsx, named as the downloads are.</summary>
/// <remarks>A handover report (decision 0061) carries the handover as its printable page, taken from the ledgers when it is sent.</remarks>
internal sealed class CircularAttachments(
    CircularSource source, HandoverSource handovers, IOptions<CircularOptions> options, [FromKeyedServices(ReportsModule.TimeKey)] TimeProvider time) : IReportAttachments
{
    public const string PdfType = "application/pdf";
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string HtmlType = "text/html";

    public async Task<IReadOnlyList<MailAttachment>> RenderAsync(ReportAttachment report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var offset = options.Value.UtcOffset;
        if (report.HandoverAt is { } change)
        {
            var handover = await handovers.BuildAsync(RegionScope.Of(report.Regions), time.GetUtcNow(), change, cancellationToken);
            var file = "handover-" + change.ToOffset(offset).ToString("yyyy-MM-dd-HHmm", System.Globalization.CultureInfo.InvariantCulture) + ".html";
            return [new MailAttachment(file, HtmlType, System.Text.Encoding.UTF8.GetBytes(HandoverEndpoints.Html(handover, offset, change)))];
        }

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
