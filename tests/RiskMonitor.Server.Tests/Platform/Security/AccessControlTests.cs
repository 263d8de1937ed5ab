using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace RiskMonitor.Server.Tests.Platform.Security;

/// <summary>
/// A server with the built-in issuer and two real accounts; the test city's odd pipelines lie in region d-west, the
/// even ones and nothing else in d-east.
/// </summary>
public sealed class SecurityFixture : ServerFixture
{
    public const string OfficerPassword = "grid-officer-pass-1";
    public const string SupervisorPassword = "supervisor-pass-123";

    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Auth:Users:0:Name"] = "网格员.西";
        settings["Auth:Users:0:Password"] = OfficerPassword;
        settings["Auth:Users:0:Roles:0"] = "operator";
        settings["Auth:Users:0:Regions:0"] = "d-west";
        settings["Auth:Users:1:Name"] = "zhang.min";
        settings["Auth:Users:1:Password"] = SupervisorPassword;
        settings["Auth:Users:1:Roles:0"] = "supervisor";
        return settings;
    }
}

public sealed class AccessControlTests(SecurityFixture server) : IClassFixture<SecurityFixture>
{
    [Fact]
    public async Task A_seeded_account_signs_in_and_its_token_carries_name_roles_and_regions()
    {
        var ct = TestContext.Current.CancellationToken;
        using var anonymous = new HttpClient { BaseAddress = server.BaseUrl };

        using var ok = await anonymous.PostAsJsonAsync("api/auth/token", new { username = "网格员.西", password = SecurityFixture.OfficerPassword }, ct);
        using var wrong = await anonymous.PostAsJsonAsync("api/auth/token", new { username = "网格员.西", password = "not-the-password" }, ct);
        using var unknown = await anonymous.PostAsJsonAsync("api/auth/token", new { username = "nobody", password = "not-the-password" }, ct);
        var token = (await ok.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("accessToken").GetString()!;
        using var officer = new HttpClient { BaseAddress = server.BaseUrl };
        officer.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var me = await officer.GetFromJsonAsync<JsonElement>("api/auth/me", ct);

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("网格员.西", me.GetProperty("name").GetString());
        Assert.Equal(["operator"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(["d-west"], me.GetProperty("regions").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("Bearer", me.GetProperty("scheme").GetString());
        await AssertProblemAsync(wrong, HttpStatusCode.Unauthorized);
        await AssertProblemAsync(unknown, HttpStatusCode.Unauthorized);
        // The same answer whether the name exists or not.
        Assert.Equal(
            (await wrong.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("detail").GetString(),
            (await unknown.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Wrong_passwords_on_one_name_make_its_next_attempts_wait_while_other_accounts_still_sign_in()
    {
        var ct = TestContext.Current.CancellationToken;
        using var anonymous = new HttpClient { BaseAddress = server.BaseUrl };

        // Five wrong passwords are free, then the wait doubles from 1 s; back to back, an attempt soon lands inside it.
        HttpResponseMessage? throttled = null;
        for (var i = 0; i < 20 && throttled is null; i++)
        {
            var response = await anonymous.PostAsJsonAsync("api/auth/token", new { username = "backoff.probe", password = $"wrong-password-{i}" }, ct);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                throttled = response;
            }
            else
            {
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                response.Dispose();
            }
        }

        Assert.NotNull(throttled);
        using (throttled)
        {
            var problem = await throttled.Content.ReadFromJsonAsync<JsonElement>(ct);
            Assert.Equal("Too many sign-in attempts", problem.GetProperty("title").GetString()); // the account's wait, not the address limit
            Assert.InRange(int.Parse(throttled.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        }

        // Per account: another account signs in from the same address at the same time.
        using var other = await anonymous.PostAsJsonAsync("api/auth/token", new { username = "zhang.min", password = SecurityFixture.SupervisorPassword }, ct);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Tokens_that_are_missing_expired_or_signed_with_another_key_get_401_problems_without_details_of_the_server()
    {
        var ct = TestContext.Current.CancellationToken;
        using var none = new HttpClient { BaseAddress = server.BaseUrl };
        using var expired = new HttpClient { BaseAddress = server.BaseUrl };
        expired.DefaultRequestHeaders.Authorization = new("Bearer", TestIdentity.Token("li.wei", ["admin"], lifetime: TimeSpan.FromMinutes(-5)));
        using var forged = new HttpClient { BaseAddress = server.BaseUrl };
        forged.DefaultRequestHeaders.Authorization = new("Bearer", TestIdentity.Token("li.wei", ["admin"],
            signingKey: Convert.ToBase64String(Encoding.UTF8.GetBytes("another-key-another-key-another!"))));
        using var garbage = new HttpClient { BaseAddress = server.BaseUrl };
        garbage.DefaultRequestHeaders.Authorization = new("Bearer", "not.a.token");

        foreach (var client in new[] { none, expired, forged, garbage })
        {
            using var response = await client.GetAsync("api/alerts", ct);
            var body = await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
            Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_grid_officer_sees_and_handles_only_the_alerts_of_their_region()
    {
        var ct = TestContext.Current.CancellationToken;
        var officerToken = TestIdentity.Token("网格员.西", ["operator"], ["d-west"]);
        using var officer = TestIdentity.Client(server.BaseUrl, "网格员.西", ["operator"], ["d-west"]);
        var live = new ConcurrentQueue<string>();
        await using var hub = await server.ConnectHubAsync(officerToken, ct);
        hub.On<JsonElement>("alertRaised", a => live.Enqueue(a.GetProperty("assetId").GetString()!));
        var west = await RaiseRedAsync("gp-t-013", ct); // odd: d-west
        var east = await RaiseRedAsync("gp-t-014", ct); // even: d-east

        var list = await officer.GetFromJsonAsync<JsonElement>("api/alerts?minSeverity=red", ct);
        var listedAssets = list.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("assetId").GetString()).ToList();
        using var readEast = await officer.GetAsync($"api/alerts/{east}", ct);
        using var historyEast = await officer.GetAsync($"api/alerts/{east}/history", ct);
        using var ackEast = await officer.PostAsJsonAsync($"api/alerts/{east}/acknowledge", new { note = "mine now?" }, ct);
        using var ackWest = await officer.PostAsJsonAsync($"api/alerts/{west}/acknowledge", new { actor = "someone.else", note = "on my way" }, ct);
        using var closeWest = await officer.PostAsJsonAsync($"api/alerts/{west}/close", new { note = "an operator cannot sign off" }, ct);
        var eastAfter = await server.GetJsonAsync($"api/alerts/{east}", ct);
        var westHistory = await server.GetJsonAsync($"api/alerts/{west}/history", ct);
        var assets = await officer.GetFromJsonAsync<JsonElement>("api/assets?limit=1000", ct);
        using var eastAsset = await officer.GetAsync("api/assets/gp-t-014", ct);
        using var kpis = await officer.GetAsync("api/kpis", ct);
        await ServerFixture.EventuallyAsync(() => Task.FromResult(live.Count), n => n >= 1, TimeSpan.FromSeconds(5), ct);
        await Task.Delay(500, ct); // the east alert went out at the same time; give it the chance to arrive wrongly

        Assert.Contains("gp-t-013", listedAssets);
        Assert.DoesNotContain("gp-t-014", listedAssets);
        await AssertProblemAsync(readEast, HttpStatusCode.Forbidden);
        await AssertProblemAsync(historyEast, HttpStatusCode.Forbidden);
        await AssertProblemAsync(ackEast, HttpStatusCode.Forbidden);
        Assert.Equal("open", eastAfter.GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.OK, ackWest.StatusCode);
        Assert.Equal("网格员.西", westHistory.EnumerateArray().Single(e => e.GetProperty("action").GetString() == "acknowledged").GetProperty("actor").GetString());
        await AssertProblemAsync(closeWest, HttpStatusCode.Forbidden);
        Assert.All(assets.GetProperty("items").EnumerateArray(), a => Assert.Equal("d-west", a.GetProperty("regionId").GetString()));
        await AssertProblemAsync(eastAsset, HttpStatusCode.Forbidden);
        await AssertProblemAsync(kpis, HttpStatusCode.Forbidden); // city-wide figures are not for a scoped account
        Assert.Contains("gp-t-013", live);
        Assert.DoesNotContain("gp-t-014", live);
    }

    [Fact]
    public async Task A_grid_officer_reports_and_sees_only_the_hazards_of_their_region()
    {
        var ct = TestContext.Current.CancellationToken;
        using var officer = TestIdentity.Client(server.BaseUrl, "网格员.西", ["operator"], ["d-west"]);

        using var own = await officer.PostAsJsonAsync("api/hazards", new { description = "阀井盖破损", assetId = "gp-t-017" }, ct);
        using var foreign = await officer.PostAsJsonAsync("api/hazards", new { description = "not mine", assetId = "gp-t-018" }, ct);
        using var eastByAdmin = await server.Http.PostAsJsonAsync("api/hazards", new { description = "东区隐患", assetId = "gp-t-018" }, ct);
        var ownId = (await own.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("hazard").GetProperty("hazardId").GetString();
        var eastId = (await eastByAdmin.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("hazard").GetProperty("hazardId").GetString();
        var listed = (await officer.GetFromJsonAsync<JsonElement>("api/hazards", ct)).EnumerateArray()
            .Select(h => h.GetProperty("hazard").GetProperty("hazardId").GetString()).ToList();
        using var readEast = await officer.GetAsync($"api/hazards/{eastId}", ct);
        using var stepEast = await officer.PostAsJsonAsync($"api/hazards/{eastId}/assign", new { responsibleUnit = "x" }, ct);

        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        await AssertProblemAsync(foreign, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Created, eastByAdmin.StatusCode);
        Assert.Contains(ownId, listed);
        Assert.DoesNotContain(eastId, listed);
        await AssertProblemAsync(readEast, HttpStatusCode.Forbidden);
        await AssertProblemAsync(stepEast, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Hub_groups_obey_roles_and_regions()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var viewer = await server.ConnectHubAsync(TestIdentity.Token("wall", ["viewer"]), ct);
        await using var officer = await server.ConnectHubAsync(TestIdentity.Token("网格员.西", ["operator"], ["d-west"]), ct);
        await using var supervisor = await server.ConnectHubAsync(TestIdentity.Token("zhang.min", ["supervisor"]), ct);
        var anonymous = new HubConnectionBuilder().WithUrl(new Uri(server.BaseUrl, "hubs/risk")).Build();
        await using var integrator = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseUrl, "hubs/risk"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(TestIdentity.Token("city", ["integrator"])))
            .Build();

        var noToken = await Record.ExceptionAsync(() => anonymous.StartAsync(ct));
        var integratorRefused = await Record.ExceptionAsync(() => integrator.StartAsync(ct));
        await viewer.InvokeAsync("JoinRegion", "*", ct);
        await viewer.InvokeAsync("JoinRegion", "d-east", ct);
        await officer.InvokeAsync("JoinRegion", "d-west", ct);
        await officer.InvokeAsync("JoinUser", "网格员.西", ct);
        await supervisor.InvokeAsync("JoinUser", "网格员.西", ct);

        Assert.Contains("401", noToken?.Message ?? "", StringComparison.Ordinal);
        Assert.Contains("403", integratorRefused?.Message ?? "", StringComparison.Ordinal);
        await Assert.ThrowsAsync<HubException>(() => viewer.InvokeAsync("JoinRole", "duty_officer", ct));
        await Assert.ThrowsAsync<HubException>(() => viewer.InvokeAsync("JoinUser", "zhang.min", ct));
        await Assert.ThrowsAsync<HubException>(() => officer.InvokeAsync("JoinRegion", "d-east", ct));
        await Assert.ThrowsAsync<HubException>(() => officer.InvokeAsync("JoinRegion", "*", ct));
        await Assert.ThrowsAsync<HubException>(() => officer.InvokeAsync("JoinUser", "zhang.min", ct));
        // Issue 24 row 2: a region-scoped operator's duty-role group would carry the whole city's escalations.
        await Assert.ThrowsAsync<HubException>(() => officer.InvokeAsync("JoinRole", "duty_officer", ct));
        await anonymous.DisposeAsync();
    }

    [Fact]
    public async Task A_changed_account_is_regrouped_and_a_disabled_one_disconnected_on_its_open_hub_connection()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = server.As("admin.li", ["admin"]);
        using var anonymous = new HttpClient { BaseAddress = server.BaseUrl };
        using var created = await admin.PutAsJsonAsync("api/users/hub.leader", new { roles = new[] { "supervisor" }, password = "hub-leader-password" }, ct);
        using var signIn = await anonymous.PostAsJsonAsync("api/auth/token", new { username = "hub.leader", password = "hub-leader-password" }, ct);
        var token = (await signIn.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("accessToken").GetString()!;
        await using var hub = await server.ConnectHubAsync(token, ct);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await hub.InvokeAsync("JoinRole", "duty_leader", ct);
        await hub.InvokeAsync("JoinUser", "网格员.西", ct);

        using var scoped = await admin.PutAsJsonAsync("api/users/hub.leader", new { roles = new[] { "supervisor" }, regions = new[] { "d-west" } }, ct);
        var leaderAfter = await Record.ExceptionAsync(() => hub.InvokeAsync("JoinRole", "duty_leader", ct));
        var eastAfter = await Record.ExceptionAsync(() => hub.InvokeAsync("JoinRegion", "d-east", ct));
        await hub.InvokeAsync("JoinRegion", "d-west", ct);
        using var disabled = await admin.PutAsJsonAsync("api/users/hub.leader", new { roles = new[] { "supervisor" }, regions = new[] { "d-west" }, disabled = true }, ct);
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, scoped.StatusCode);
        Assert.IsType<HubException>(leaderAfter);
        Assert.IsType<HubException>(eastAfter);
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.Equal(HubConnectionState.Disconnected, hub.State);
    }

    [Fact]
    public async Task A_scoped_supervisor_sees_and_ends_only_the_silences_of_their_regions()
    {
        var ct = TestContext.Current.CancellationToken;
        using var city = server.As("city.supervisor", ["supervisor"]);
        using var west = server.As("xihu.supervisor", ["supervisor"], ["d-west"]);
        var eastId = await CreateSilenceAsync(city, "asset", "gp-t-020", ct); // even: d-east
        var kindId = await CreateSilenceAsync(city, "kind", "elevator", ct);
        var westId = await CreateSilenceAsync(west, "asset", "gp-t-019", ct); // odd: d-west

        var listed = (await west.GetFromJsonAsync<JsonElement>("api/silences", ct)).EnumerateArray().Select(x => x.GetProperty("silenceId").GetString()).ToList();
        using var readEast = await west.GetAsync($"api/silences/{eastId}", ct);
        using var expireEast = await west.PostAsJsonAsync($"api/silences/{eastId}/expire", new { note = "not mine" }, ct);
        using var expireKind = await west.PostAsJsonAsync($"api/silences/{kindId}/expire", new { note = "not mine either" }, ct);
        using var expireWest = await west.PostAsJsonAsync($"api/silences/{westId}/expire", new { note = "valve done" }, ct);
        var eastAfter = await city.GetFromJsonAsync<JsonElement>($"api/silences/{eastId}", ct);
        // Leave no silence behind for the other tests of this server.
        (await city.PostAsJsonAsync($"api/silences/{eastId}/expire", new { note = "test over" }, ct)).Dispose();
        (await city.PostAsJsonAsync($"api/silences/{kindId}/expire", new { note = "test over" }, ct)).Dispose();

        Assert.Contains(westId, listed);
        Assert.DoesNotContain(eastId, listed);
        Assert.DoesNotContain(kindId, listed);
        await AssertProblemAsync(readEast, HttpStatusCode.Forbidden);
        await AssertProblemAsync(expireEast, HttpStatusCode.Forbidden);
        await AssertProblemAsync(expireKind, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, expireWest.StatusCode);
        Assert.Equal(JsonValueKind.Null, eastAfter.TryGetProperty("expiredAt", out var expiredAt) ? expiredAt.ValueKind : JsonValueKind.Null);
    }

    private static async Task<string> CreateSilenceAsync(HttpClient client, string scope, string target, CancellationToken ct)
    {
        using var created = await client.PostAsJsonAsync("api/silences", new { scope, target, durationMinutes = 60, reason = "issue 24 row 3" }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("silenceId").GetString()!;
    }

    [Fact]
    public async Task A_demoted_accounts_token_acts_with_its_new_roles_and_regions_at_once()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = server.As("admin.li", ["admin"]);
        using var anonymous = new HttpClient { BaseAddress = server.BaseUrl };
        using var created = await admin.PutAsJsonAsync("api/users/demoted.admin", new { roles = new[] { "admin" }, password = "demoted-admin-password" }, ct);
        using var signIn = await anonymous.PostAsJsonAsync("api/auth/token", new { username = "demoted.admin", password = "demoted-admin-password" }, ct);
        using var old = new HttpClient { BaseAddress = server.BaseUrl };
        old.DefaultRequestHeaders.Authorization = new("Bearer", (await signIn.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("accessToken").GetString());
        using var before = await old.GetAsync("api/users", ct);

        using var demoted = await admin.PutAsJsonAsync("api/users/demoted.admin", new { roles = new[] { "viewer" }, regions = new[] { "d-west" } }, ct);
        using var users = await old.GetAsync("api/users", ct);
        using var kpis = await old.GetAsync("api/kpis", ct);
        var me = await old.GetFromJsonAsync<JsonElement>("api/auth/me", ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, demoted.StatusCode);
        await AssertProblemAsync(users, HttpStatusCode.Forbidden);
        await AssertProblemAsync(kpis, HttpStatusCode.Forbidden);
        Assert.Equal(["viewer"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(["d-west"], me.GetProperty("regions").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Changing_an_account_without_naming_regions_or_disabled_keeps_them()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = server.As("admin.li", ["admin"]);
        using var anonymous = new HttpClient { BaseAddress = server.BaseUrl };
        using var created = await admin.PutAsJsonAsync("api/users/east.patrol",
            new { roles = new[] { "viewer" }, regions = new[] { "d-east" }, password = "east-patrol-password", disabled = true }, ct);

        using var renamed = await admin.PutAsJsonAsync("api/users/east.patrol", new { roles = new[] { "operator" }, displayName = "东区巡查" }, ct);
        var view = await renamed.Content.ReadFromJsonAsync<JsonElement>(ct);
        using var signIn = await anonymous.PostAsJsonAsync("api/auth/token", new { username = "east.patrol", password = "east-patrol-password" }, ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.True(view.GetProperty("disabled").GetBoolean());
        Assert.Equal(["d-east"], view.GetProperty("regions").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(["operator"], view.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        await AssertProblemAsync(signIn, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_admin_manages_accounts_and_a_disabled_account_cannot_sign_in()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = server.As("admin.li", ["admin"]);
        using var supervisor = server.As("zhang.min", ["supervisor"]);
        using var anonymous = new HttpClient { BaseAddress = server.BaseUrl };

        using var created = await admin.PutAsJsonAsync("api/users/李巡查", new { roles = new[] { "viewer" }, regions = new[] { "d-east" }, password = "patrol-password-1" }, ct);
        using var weak = await admin.PutAsJsonAsync("api/users/weak", new { roles = new[] { "viewer" }, password = "short" }, ct);
        using var badRole = await admin.PutAsJsonAsync("api/users/odd", new { roles = new[] { "root" }, password = "patrol-password-1" }, ct);
        using var notAdmin = await supervisor.PutAsJsonAsync("api/users/sneaky", new { roles = new[] { "admin" }, password = "patrol-password-1" }, ct);
        using var signIn = await anonymous.PostAsJsonAsync("api/auth/token", new { username = "李巡查", password = "patrol-password-1" }, ct);
        using var patrol = new HttpClient { BaseAddress = server.BaseUrl };
        patrol.DefaultRequestHeaders.Authorization = new("Bearer", (await signIn.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("accessToken").GetString());
        using var refreshed = await patrol.PostAsync("api/auth/refresh", null, ct);
        using var disabled = await admin.PutAsJsonAsync("api/users/李巡查", new { roles = new[] { "viewer" }, disabled = true }, ct);
        using var refreshDisabled = await patrol.PostAsync("api/auth/refresh", null, ct);
        using var readDisabled = await patrol.GetAsync("api/alerts", ct);
        using var signInDisabled = await anonymous.PostAsJsonAsync("api/auth/token", new { username = "李巡查", password = "patrol-password-1" }, ct);
        var list = await admin.GetStringAsync("api/users", ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await AssertProblemAsync(weak, HttpStatusCode.BadRequest);
        await AssertProblemAsync(badRole, HttpStatusCode.BadRequest);
        await AssertProblemAsync(notAdmin, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        await AssertProblemAsync(refreshDisabled, HttpStatusCode.Unauthorized);
        await AssertProblemAsync(readDisabled, HttpStatusCode.Unauthorized); // the token it holds stops working at once
        await AssertProblemAsync(signInDisabled, HttpStatusCode.Unauthorized);
        Assert.Contains("李巡查", list, StringComparison.Ordinal);
        Assert.DoesNotContain("pbkdf2", list, StringComparison.Ordinal);
        Assert.DoesNotContain("patrol-password", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writes_and_refusals_land_in_the_audit_trail_with_the_actor()
    {
        var ct = TestContext.Current.CancellationToken;
        var alertId = await RaiseRedAsync("gp-t-015", ct);
        using var officer = TestIdentity.Client(server.BaseUrl, "网格员.西", ["operator"], ["d-west"]);
        using var viewer = TestIdentity.Client(server.BaseUrl, "wall", ["viewer"]);
        using var admin = server.As("admin.li", ["admin"]);

        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"api/alerts/{alertId}/comment", new { note = "checked the valve" }, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync($"api/alerts/{alertId}/acknowledge", new { note = "x" }, ct)).StatusCode);
        using var anonymous = new HttpClient { BaseAddress = server.BaseUrl };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("api/auth/token", new { username = "zhang.min", password = "guessing-1234" }, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("api/auth/token", new { username = "zhang.min", password = SecurityFixture.SupervisorPassword }, ct)).StatusCode);
        var trail = await ServerFixture.EventuallyAsync(
            () => admin.GetFromJsonAsync<JsonElement>($"api/audit?path=/api/alerts/{Uri.EscapeDataString(alertId)}", ct),
            t => t.GetArrayLength() >= 2, TimeSpan.FromSeconds(10), ct);
        var signIns = await ServerFixture.EventuallyAsync(
            () => admin.GetFromJsonAsync<JsonElement>("api/audit?path=/api/auth/token&limit=1000", ct),
            t => t.EnumerateArray().Any(r => r.GetProperty("actor").GetString() == "zhang.min"), TimeSpan.FromSeconds(10), ct);
        using var notAdmin = await officer.GetAsync("api/audit", ct);

        var rows = trail.EnumerateArray().Select(r => (Actor: r.GetProperty("actor").GetString(), Path: r.GetProperty("path").GetString(), Status: r.GetProperty("status").GetInt32())).ToList();
        Assert.Contains(("网格员.西", $"/api/alerts/{alertId}/comment", 200), rows);
        Assert.Contains(("wall", $"/api/alerts/{alertId}/acknowledge", 403), rows);
        var signInRows = signIns.EnumerateArray().Select(r => (r.GetProperty("actor").GetString(), r.GetProperty("status").GetInt32())).ToList();
        Assert.Contains(("anonymous:zhang.min", 401), signInRows); // a refused sign-in names whom it tried, unproven
        Assert.Contains(("zhang.min", 200), signInRows);
        await AssertProblemAsync(notAdmin, HttpStatusCode.Forbidden);
    }

    private async Task<string> RaiseRedAsync(string assetId, CancellationToken ct)
    {
        using (var mqtt = await server.ConnectMqttAsync("sec-" + assetId, ct))
        {
            await ServerFixture.PublishAsync(mqtt, $"rm/v1/{assetId}/telemetry", ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 80)), ct);
        }

        var alerts = await ServerFixture.EventuallyAsync(() => server.GetJsonAsync($"api/alerts?assetId={assetId}", ct),
            a => a.GetProperty("total").GetInt32() > 0, TimeSpan.FromSeconds(15), ct);
        return alerts.GetProperty("items")[0].GetProperty("alertId").GetString()!;
    }

    internal static async Task<string> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }
}
