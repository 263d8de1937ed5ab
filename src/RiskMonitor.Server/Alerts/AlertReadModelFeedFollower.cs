using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using RiskMonitor.Server.Platform.Orleans;
using RiskMonitor.Storage.Feed;

namespace RiskMonitor.Server.Alerts;

/// <summary>
/// Makes the current-alert read model cluster-wide (issue 18, part 2; docs/decisions/0029-failover-of-broker-sessions.md):
/// besides the changes of grains on this node (in-process, at once), the read model applies every <c>alert.*</c> event of
/// the feed, which every node's group-commit writer appends in commit order. It starts at the cursor taken just before
/// the read model was seeded from the store, so a node that starts rebuilds from the store and catches up by cursor. A change
/// seen twice (this node's own, in-process and from the feed) is harmless: the read model keeps the newest by UpdatedAt.
/// </summary>
internal sealed class AlertReadModelFeedFollower(
    IFeedStore feed,
    AlertReadModel board,
    IOptions<AlertReadModelFeedOptions> options,
    TimeProvider time,
    ILogger<AlertReadModelFeedFollower> logger) : BackgroundService
{
    private const int PageSize = 500;

    /// <summary>The last feed cursor applied; for tests and diagnostics.</summary>
    public long Cursor { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Cursor = board.SeededAtCursor;
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            // Taken before the read, so a commit on this node between the read and the wait is not missed. Other
            // nodes' commits give no signal here: the poll interval bounds how late they show (well under 1 s).
            var appended = feed.Appended;
            int read;
            try
            {
                var events = await feed.ReadAsync(new FeedQuery(Cursor, PageSize, IncludeExercise: true), stoppingToken).ConfigureAwait(false);
                foreach (var feedEvent in events)
                {
                    if (AlertFeedPayload.From(feedEvent) is { } change)
                    {
                        board.Apply(change.Alert);
                    }

                    Cursor = feedEvent.Cursor;
                }

                read = events.Count;
                failing = false;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // PostgreSQL down: the local changes still reach the read model in-process; the feed is read again later.
                if (!failing)
                {
                    AlertFeedLog.BoardFeedFailed(logger, ex, Cursor);
                }

                failing = true;
                read = 0;
                await Task.Delay(options.Value.RetryDelay, time, stoppingToken).ConfigureAwait(false);
                continue;
            }

            if (read == PageSize)
            {
                continue; // catching up
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var delay = Task.Delay(options.Value.PollInterval, time, wait.Token);
            await Task.WhenAny(appended, delay).ConfigureAwait(false);
            await wait.CancelAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>The cluster-wide alert read model (<c>AlertBoard</c> section: its name from before the read models were named so).</summary>
internal sealed class AlertReadModelFeedOptions
{
    public const string SectionName = "AlertBoard";

    /// <summary>Whether the read model follows the feed; default: on with <c>Orleans:Membership=AdoNet</c> (a cluster), off for one node.</summary>
    public bool? FollowFeed { get; set; }

    /// <summary>How often the feed is read for other nodes' changes: the upper bound of how late they are listed here.</summary>
    [Range(typeof(TimeSpan), "00:00:00.020", "00:00:10")] public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")] public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);
}

internal static partial class AlertFeedLog
{
    [LoggerMessage(EventId = 4502, Level = LogLevel.Warning, Message = "The alert board cannot read the feed after cursor {Cursor}; other nodes' alerts are listed late until it can")]
    public static partial void BoardFeedFailed(ILogger logger, Exception exception, long cursor);
}
