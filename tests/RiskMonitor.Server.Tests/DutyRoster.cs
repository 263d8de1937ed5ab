using System.Net;
using System.Net.Http.Json;

namespace RiskMonitor.Server.Tests;

/// <summary>
/// Puts an officer and a leader on duty from an hour ago for the rest of the day, as the duty room does, so that what
/// escalates or must be reported has somebody named to go to.
/// </summary>
internal static class DutyRoster
{
    public const string Officer = "张值班";
    public const string Leader = "赵领导";
    public const string OfficerPhone = "13800000001";
    public const string LeaderPhone = "13700000002";

    public static async Task PutOnDutyAsync(HttpClient http, CancellationToken ct, string leader = Leader, string? officerPhone = OfficerPhone, string? leaderPhone = LeaderPhone)
    {
        var now = DateTimeOffset.UtcNow;
        var response = await http.PostAsJsonAsync("api/duty/shifts", new
        {
            startsAt = now.AddHours(-1),
            endsAt = now.AddHours(23),
            officer = Officer,
            officerPhone,
            leader,
            leaderPhone,
            actor = "admin",
        }, ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
