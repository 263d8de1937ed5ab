using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace RiskMonitor.Server.Tests.Platform.Security;

/// <summary>
/// Every endpoint of the OpenAPI document (and the pages it leaves out) against every role: the matrix below is the
/// access model written down once, and the test fails both when an endpoint answers someone it should not and when an
/// endpoint appears that the matrix does not name, so nobody adds one without deciding who may call it.
/// </summary>
public sealed class RoleMatrixTests(SecurityFixture server) : IClassFixture<SecurityFixture>
{
    /// <summary>Who may call what. Roles climb viewer &lt; operator &lt; supervisor &lt; admin; integrator stands apart.</summary>
    private enum Need
    {
        Anyone,
        SignedIn,
        Viewer,
        Operator,
        Supervisor,
        Admin,
        Integrator, // the integrator role (or an admin)
        OwnAccount, // signed in with an account of the built-in issuer: 401 for a token whose account does not exist
        Unit, // the unit role of a responsible party (or an admin), issue 20
    }

    private static readonly Dictionary<string, Need> Matrix = new(StringComparer.Ordinal)
    {
        ["POST /api/auth/token"] = Need.Anyone,
        ["POST /api/hazards/tip-line"] = Need.Anyone,
        ["GET /api/hazards/tip-line/{reference}"] = Need.Anyone,
        ["POST /api/notifications/sms/receipts"] = Need.Anyone, // signed with the gateway's secret instead of a token
        ["GET /api/ui/config"] = Need.Anyone,
        ["GET /api/auth/me"] = Need.SignedIn,
        ["POST /api/auth/refresh"] = Need.OwnAccount,

        ["GET /api/assets"] = Need.Viewer,
        ["GET /api/assets/{assetId}"] = Need.Viewer,
        ["GET /api/assets/{assetId}/series"] = Need.Viewer,
        ["GET /api/alerts"] = Need.Viewer,
        ["GET /api/alerts/{alertId}"] = Need.Viewer,
        ["GET /api/alerts/{alertId}/history"] = Need.Viewer,
        ["GET /api/alerts/{alertId}/escalation"] = Need.Viewer,
        ["GET /api/alerts/{alertId}/clocks"] = Need.Viewer,
        ["GET /api/alerts/{alertId}/cap"] = Need.Viewer,
        ["GET /api/duty/now"] = Need.Viewer,
        ["GET /api/duty/shifts"] = Need.Viewer,
        ["GET /api/hazards"] = Need.Viewer,
        ["GET /api/incidents/records"] = Need.Viewer,
        ["GET /api/incidents/records/{incidentId}"] = Need.Viewer,
        ["GET /api/incidents/records/{incidentId}/history"] = Need.Viewer,
        ["GET /api/incidents/records/{incidentId}/cap"] = Need.Viewer,
        ["GET /api/incidents/records/{incidentId}/response"] = Need.Viewer,
        ["GET /api/incidents/records/{incidentId}/evidence"] = Need.Viewer,
        ["GET /api/incidents/records/{incidentId}/evidence/{evidenceId}"] = Need.Viewer,
        ["GET /api/drills"] = Need.Viewer,
        ["GET /api/drills/{drillId}"] = Need.Viewer,
        ["GET /api/drills/{drillId}/report"] = Need.Viewer,
        ["GET /api/hazards/stats"] = Need.Viewer,
        ["GET /api/hazards/{hazardId}"] = Need.Viewer,
        ["GET /api/hazards/{hazardId}/history"] = Need.Viewer,
        ["GET /api/hazards/{hazardId}/evidence"] = Need.Viewer,
        ["GET /api/hazards/{hazardId}/evidence/{evidenceId}"] = Need.Viewer,
        ["GET /api/map/hazards"] = Need.Viewer,
        ["GET /api/map/regions"] = Need.Viewer,
        ["GET /api/map/assets"] = Need.Viewer,
        ["GET /api/map/base"] = Need.Viewer,
        ["GET /api/map/unassigned"] = Need.Viewer,
        ["GET /api/incidents"] = Need.Viewer,
        ["GET /api/regions/{regionId}"] = Need.Viewer,
        ["GET /api/silences"] = Need.Viewer,
        ["GET /api/silences/{silenceId}"] = Need.Viewer,
        ["GET /api/sites/{assetId}/board"] = Need.Viewer,
        ["GET /api/kpis"] = Need.Viewer,
        ["GET /api/kpis/hourly"] = Need.Viewer,
        ["GET /api/reports/risk-snapshot"] = Need.Viewer,
        ["GET /api/reports/circular"] = Need.Viewer,
        ["GET /api/reports/handover"] = Need.Viewer,
        ["GET /api/ingest/stats"] = Need.Viewer,
        ["GET /api/notifications"] = Need.Viewer,
        ["GET /api/organisations"] = Need.Viewer,
        ["GET /api/registry/assets"] = Need.Viewer,
        ["GET /api/registry/assets/{assetId}"] = Need.Viewer,
        ["GET /api/registry/regions"] = Need.Viewer,
        ["GET /api/registry/regions/{regionId}"] = Need.Viewer,
        ["GET /api/registry/reassessments"] = Need.Viewer,
        ["GET /api/organisations/{organisationId}"] = Need.Viewer,
        ["GET /api/assets/{assetId}/parties"] = Need.Viewer,
        ["GET /api/rules/assets/{assetId}"] = Need.Viewer,
        ["GET /api/alerts/{alertId}/parties"] = Need.Viewer,
        ["GET /api/rescues/kpis"] = Need.Viewer,
        ["GET /api/notifications/messages"] = Need.Viewer,

        ["POST /api/alerts/{alertId}/assign"] = Need.Operator,
        ["POST /api/alerts/{alertId}/comment"] = Need.Operator,
        ["POST /api/alerts/{alertId}/acknowledge"] = Need.Operator,
        ["POST /api/alerts/{alertId}/start"] = Need.Operator,
        ["POST /api/alerts/{alertId}/resolve"] = Need.Operator,
        ["POST /api/alerts/{alertId}/report"] = Need.Operator,
        ["POST /api/alerts/{alertId}/hazard"] = Need.Operator,
        ["POST /api/hazards"] = Need.Operator,
        ["POST /api/incidents/records"] = Need.Operator,
        ["POST /api/incidents/records/{incidentId}/figures"] = Need.Operator,
        ["POST /api/incidents/records/{incidentId}/reports"] = Need.Operator,
        ["POST /api/incidents/records/{incidentId}/links"] = Need.Operator,
        ["POST /api/incidents/records/{incidentId}/evidence"] = Need.Operator,
        ["POST /api/hazards/{hazardId}/assign"] = Need.Operator,
        ["POST /api/hazards/{hazardId}/start"] = Need.Operator,
        ["POST /api/hazards/{hazardId}/rectified"] = Need.Operator,
        ["POST /api/hazards/{hazardId}/plan"] = Need.Operator,
        ["POST /api/hazards/{hazardId}/evidence"] = Need.Operator,
        ["POST /api/rescues/{alertId}/arrival"] = Need.Operator,
        ["POST /api/rescues/{alertId}/release"] = Need.Operator,

        ["POST /api/alerts/{alertId}/close"] = Need.Supervisor,
        ["POST /api/hazards/{hazardId}/verify"] = Need.Supervisor,
        ["POST /api/incidents/records/{incidentId}/close"] = Need.Supervisor,
        ["POST /api/drills"] = Need.Supervisor,
        ["POST /api/drills/{drillId}/start"] = Need.Supervisor,
        ["POST /api/drills/{drillId}/inject"] = Need.Supervisor,
        ["POST /api/drills/{drillId}/end"] = Need.Supervisor,
        ["POST /api/incidents/records/{incidentId}/review"] = Need.Supervisor,
        ["POST /api/hazards/{hazardId}/reject"] = Need.Supervisor,
        ["POST /api/hazards/{hazardId}/regrade"] = Need.Supervisor,
        ["GET /api/hazards/{hazardId}/tip"] = Need.Supervisor,
        ["POST /api/silences"] = Need.Supervisor,
        ["POST /api/silences/{silenceId}/expire"] = Need.Supervisor,
        ["POST /api/duty/shifts"] = Need.Supervisor,
        ["POST /api/duty/shifts/{shiftId}/cancel"] = Need.Supervisor,
        ["GET /api/ingest/dead-letters"] = Need.Supervisor,
        ["GET /api/reports/subscriptions"] = Need.Supervisor, // a subscription holds a person's e-mail address
        ["GET /api/reports/subscriptions/{subscriptionId}"] = Need.Supervisor,
        ["POST /api/reports/subscriptions"] = Need.Supervisor,
        ["PUT /api/reports/subscriptions/{subscriptionId}"] = Need.Supervisor,
        ["POST /api/organisations"] = Need.Supervisor,
        ["PUT /api/organisations/{organisationId}"] = Need.Supervisor,
        ["PUT /api/assets/{assetId}/parties"] = Need.Supervisor,
        ["POST /api/registry/assets"] = Need.Supervisor,
        ["PUT /api/registry/assets/{assetId}"] = Need.Supervisor,
        ["DELETE /api/registry/assets/{assetId}"] = Need.Supervisor,
        ["PUT /api/registry/assets/{assetId}/inherent-level"] = Need.Supervisor,
        ["POST /api/registry/regions"] = Need.Supervisor,
        ["PUT /api/registry/regions/{regionId}"] = Need.Supervisor,
        ["DELETE /api/registry/regions/{regionId}"] = Need.Supervisor,
        ["PUT /api/registry/regions/{regionId}/inherent-level"] = Need.Supervisor,
        ["POST /api/registry/assets/import"] = Need.Supervisor,
        ["POST /api/registry/regions/import"] = Need.Supervisor,
        ["GET /api/rules"] = Need.Supervisor,
        ["PUT /api/rules"] = Need.Supervisor,
        ["GET /api/rules/versions"] = Need.Supervisor,
        ["GET /api/rules/versions/{version}"] = Need.Supervisor,
        ["POST /api/rules/preview"] = Need.Supervisor,
        ["POST /api/rules/rollback"] = Need.Supervisor,
        ["POST /api/rules/backtests"] = Need.Supervisor,
        ["GET /api/rules/backtests/{jobId}"] = Need.Supervisor,
        ["POST /api/rules/backtests/{jobId}/cancel"] = Need.Supervisor,
        ["POST /api/rules/suggestions"] = Need.Supervisor,

        ["GET /api/unit/me"] = Need.Unit,
        ["GET /api/unit/alerts"] = Need.Unit,
        ["GET /api/unit/kpis"] = Need.Unit,
        ["POST /api/unit/alerts/{alertId}/acknowledge"] = Need.Unit,
        ["POST /api/unit/alerts/{alertId}/arrival"] = Need.Unit,
        ["POST /api/unit/alerts/{alertId}/release"] = Need.Unit,

        ["GET /api/users"] = Need.Admin,
        ["GET /api/users/{name}"] = Need.Admin,
        ["PUT /api/users/{name}"] = Need.Admin,
        ["GET /api/audit"] = Need.Admin,
        ["GET /api/devices"] = Need.Admin,
        ["GET /api/devices/{deviceId}"] = Need.Admin,
        ["POST /api/devices"] = Need.Admin,
        ["POST /api/devices/{deviceId}/rotate"] = Need.Admin,
        ["POST /api/devices/{deviceId}/revoke"] = Need.Admin,
        ["GET /api/integrators/keys"] = Need.Admin,
        ["POST /api/integrators/keys"] = Need.Admin,
        ["DELETE /api/integrators/keys/{keyId}"] = Need.Admin,

        ["GET /api/feed"] = Need.Integrator,
        ["GET /api/feed/cap"] = Need.Integrator,
        ["GET /api/webhooks"] = Need.Integrator,
        ["POST /api/webhooks"] = Need.Integrator,
        ["GET /api/webhooks/{subscriptionId}"] = Need.Integrator,
        ["DELETE /api/webhooks/{subscriptionId}"] = Need.Integrator,

        // Pages and machine endpoints outside the OpenAPI document: public by design.
        ["GET /wall"] = Need.Anyone,
        ["GET /oncall"] = Need.Anyone,
        ["GET /oncall/incidents"] = Need.Anyone,
        ["GET /oncall/unit"] = Need.Anyone,
        ["GET /rules"] = Need.Anyone,
        ["GET /sites/{assetId}/board"] = Need.Anyone,
        ["GET /health/live"] = Need.Anyone,
        ["GET /health/ready"] = Need.Anyone,
        ["GET /metrics"] = Need.Anyone,
        ["GET /openapi/v1.json"] = Need.Anyone,
    };

    private static readonly Dictionary<string, string> RouteValues = new(StringComparer.Ordinal)
    {
        ["{alertId}"] = "gp-t-001~no-such-rule~1",
        ["{assetId}"] = "gp-t-001",
        ["{regionId}"] = "d-west",
        ["{hazardId}"] = "HZ-00000000-NONE",
        ["{reference}"] = "TIP-2222222222",
        ["{evidenceId}"] = "EV-NONE",
        ["{incidentId}"] = "inc-none",
        ["{silenceId}"] = "sil-none",
        ["{shiftId}"] = "999999",
        ["{name}"] = "nobody.here",
        ["{deviceId}"] = "dev-none",
        ["{keyId}"] = "key-none",
        ["{subscriptionId}"] = "sub-none",
        ["{organisationId}"] = "org-none",
        ["{version}"] = "999999",
        ["{jobId}"] = "bt-none",
    };

    [Fact]
    public async Task The_matrix_names_every_documented_endpoint_and_nothing_else()
    {
        var ct = TestContext.Current.CancellationToken;
        var document = await server.GetJsonAsync("openapi/v1.json", ct);

        var documented = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => $"{m.Name.ToUpperInvariant()} {p.Name}"))
            .ToHashSet(StringComparer.Ordinal);
        var undocumented = new[] { "GET /wall", "GET /oncall", "GET /oncall/incidents", "GET /oncall/unit", "GET /rules", "GET /sites/{assetId}/board", "GET /health/live", "GET /health/ready", "GET /metrics", "GET /openapi/v1.json" };

        Assert.Empty(documented.Except(Matrix.Keys));
        Assert.Empty(Matrix.Keys.Except(documented).Except(undocumented));
    }

    [Fact]
    public async Task Every_endpoint_answers_each_role_as_the_matrix_says_with_problem_details_on_refusal()
    {
        var ct = TestContext.Current.CancellationToken;
        var callers = new (string Name, string[]? Roles)[]
        {
            ("anonymous", null), ("wall", ["viewer"]), ("li.wei", ["operator"]), ("zhang.min", ["supervisor"]),
            ("city", ["integrator"]), ("admin.li", ["admin"]), ("mu-a.duty", ["unit"]),
        };
        var wrong = new List<string>();
        foreach (var (name, roles) in callers)
        {
            using var client = roles is null ? new HttpClient { BaseAddress = server.BaseUrl } : TestIdentity.Client(server.BaseUrl, name, roles);
            foreach (var (endpoint, need) in Matrix)
            {
                var (method, template) = (endpoint.Split(' ')[0], endpoint.Split(' ')[1]);
                var path = RouteValues.Aggregate(template, (p, v) => p.Replace(v.Key, Uri.EscapeDataString(v.Value), StringComparison.Ordinal));
                using var request = new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/'));
                if (method is "POST" or "PUT")
                {
                    request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                }

                using var response = await client.SendAsync(request, ct);
                var expected = Allowed(need, roles) ? "allowed" : roles is null ? "401" : "403";
                var actual = response.StatusCode switch
                {
                    HttpStatusCode.Unauthorized => "401",
                    HttpStatusCode.Forbidden => "403",
                    _ => "allowed",
                };
                if (need == Need.OwnAccount && roles is not null && actual == "401")
                {
                    actual = "allowed"; // signed in, but no such account in the store: the handler's 401, not the policy's
                }

                var refusalIsProblem = actual == "allowed" || response.Content.Headers.ContentType?.MediaType == "application/problem+json";
                if (actual != expected || !refusalIsProblem)
                {
                    wrong.Add($"{name} {endpoint}: expected {expected}, got {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType}");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    /// <summary>
    /// The hub's side of the matrix (issue 24 row 2): which groups each caller may join on <c>/hubs/risk</c>, over a
    /// real connection. The rules are <c>HubGroupPolicy</c>'s; <see cref="HubGroupPolicyTests"/> checks them in full.
    /// </summary>
    private static readonly (string Name, string[] Roles, string[] Regions, string Allowed)[] HubMatrix =
    [
        ("wall", ["viewer"], [], "JoinRegion:d-west JoinRegion:d-east JoinRegion:* JoinUser:self"),
        ("li.wei", ["operator"], [], "JoinRegion:d-west JoinRegion:d-east JoinRegion:* JoinRole:duty_officer JoinUser:self"),
        ("xihu.officer", ["operator"], ["d-west"], "JoinRegion:d-west JoinUser:self"),
        ("xihu.supervisor", ["supervisor"], ["d-west"], "JoinRegion:d-west JoinUser:self"),
        ("zhang.min", ["supervisor"], [], "JoinRegion:d-west JoinRegion:d-east JoinRegion:* JoinRole:duty_officer JoinRole:duty_leader JoinUser:self JoinUser:other"),
        ("admin.li", ["admin"], [], "JoinRegion:d-west JoinRegion:d-east JoinRegion:* JoinRole:duty_officer JoinRole:duty_leader JoinUser:self JoinUser:other"),
    ];

    private static readonly string[] HubCalls =
    [
        "JoinRegion:d-west", "JoinRegion:d-east", "JoinRegion:*", "JoinRole:duty_officer", "JoinRole:duty_leader", "JoinRole:viewer",
        "JoinUser:self", "JoinUser:other",
    ];

    [Fact]
    public async Task Every_hub_group_answers_each_role_and_scope_as_the_matrix_says()
    {
        var ct = TestContext.Current.CancellationToken;
        var wrong = new List<string>();
        foreach (var (name, roles, regions, allowed) in HubMatrix)
        {
            await using var hub = await server.ConnectHubAsync(TestIdentity.Token(name, roles, regions.Length == 0 ? null : regions), ct);
            foreach (var call in HubCalls)
            {
                var (method, argument) = (call.Split(':')[0], call.Split(':')[1]);
                var value = argument switch { "self" => name, "other" => "张值班", _ => argument };
                var refused = await Record.ExceptionAsync(() => hub.InvokeAsync(method, value, ct));
                var expected = allowed.Split(' ').Contains(call);
                if (expected != refused is null)
                {
                    wrong.Add($"{name} {call}: expected {(expected ? "allowed" : "refused")}, got {refused?.Message ?? "allowed"}");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    private static bool Allowed(Need need, string[]? roles) => need switch
    {
        Need.Anyone => true,
        Need.SignedIn or Need.OwnAccount => roles is not null,
        _ when roles is null => false,
        Need.Integrator => roles.Contains("integrator") || roles.Contains("admin"),
        Need.Unit => roles.Contains("unit") || roles.Contains("admin"),
        _ => roles.Max(Rank) >= (int)need,
    };

    private static int Rank(string role) => role switch
    {
        "viewer" => (int)Need.Viewer,
        "operator" => (int)Need.Operator,
        "supervisor" => (int)Need.Supervisor,
        "admin" => (int)Need.Admin,
        _ => -1,
    };
}
