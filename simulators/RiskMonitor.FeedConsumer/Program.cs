using RiskMonitor.FeedConsumer;

// The reference consumer: mirrors a RiskMonitor server's integration feed into a JSON file and keeps following it.
//   dotnet run --project simulators/RiskMonitor.FeedConsumer -- --url http://127.0.0.1:8080 --store mirror.json [--once]
// The API key (scope feed:read) comes from the RM_API_KEY environment variable, so it stays out of the process list.
var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.a[2..], p => p.i + 1 < args.Length && !args[p.i + 1].StartsWith("--", StringComparison.Ordinal) ? args[p.i + 1] : "");
var url = options.GetValueOrDefault("url") is { Length: > 0 } u ? u : "http://127.0.0.1:8080";
var store = options.GetValueOrDefault("store") is { Length: > 0 } s ? s : "feed-mirror.json";
var key = Environment.GetEnvironmentVariable("RM_API_KEY");
if (string.IsNullOrWhiteSpace(key))
{
    Console.Error.WriteLine("Set RM_API_KEY to an integrator's API key with the feed:read scope.");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

using var http = new HttpClient { BaseAddress = new Uri(url.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(60) };
http.DefaultRequestHeaders.Add(FeedFollower.ApiKeyHeader, key);
var mirror = await FeedMirror.LoadAsync(store, cancel.Token);
var follower = new FeedFollower(http, mirror);
var applied = await follower.CatchUpAsync(cancellationToken: cancel.Token);
await mirror.SaveAsync(store, cancel.Token);
Console.WriteLine($"cursor {mirror.Cursor}: {applied} new events; {mirror.Alerts.Count} alerts, {mirror.Hazards.Count} hazards, {mirror.Regions.Count} regions");
if (options.ContainsKey("once"))
{
    return 0;
}

try
{
    await follower.FollowAsync(TimeSpan.FromSeconds(25), async ct =>
    {
        await mirror.SaveAsync(store, ct);
        Console.WriteLine($"cursor {mirror.Cursor}: {mirror.Alerts.Count} alerts, {mirror.Hazards.Count} hazards, {mirror.Regions.Count} regions");
    }, cancel.Token);
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    await mirror.SaveAsync(store, CancellationToken.None);
}

return 0;
