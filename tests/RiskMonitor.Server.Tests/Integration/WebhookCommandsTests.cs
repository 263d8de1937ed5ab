using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RiskMonitor.Domain.Integration;
using RiskMonitor.Server.Integration;
using RiskMonitor.Server.Platform.Outbound;
using RiskMonitor.Server.Tests.Fakes;
using RiskMonitor.Storage.Feed;
using RiskMonitor.Storage.Integration;

namespace RiskMonitor.Server.Tests.Integration;

/// <summary>
/// <c>POST</c> and <c>DELETE /api/webhooks</c> in process, on the in-memory stores with the outbound policy and the
/// delivery service as the server builds them (the service is not started: nothing is sent).
/// </summary>
public sealed class WebhookCommandsTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(InMemoryPorts.T0);
    private readonly InMemoryWebhookStore _store = new();
    private readonly InMemoryFeedLog _feed = new();
    private readonly ServiceProvider _http = new ServiceCollection().AddHttpClient().BuildServiceProvider();
    private readonly WebhookDeliveryService _deliveries;

    public WebhookCommandsTests() => _deliveries = new WebhookDeliveryService(
        _store, _feed, _http.GetRequiredService<IHttpClientFactory>(), Options.Create(new WebhookOptions()),
        Options.Create(new Microsoft.AspNetCore.Http.Json.JsonOptions()), _time, NullLogger<WebhookDeliveryService>.Instance);

    public void Dispose()
    {
        _deliveries.Dispose();
        _http.Dispose();
    }

    [Fact]
    public async Task A_private_target_too_many_or_malformed_types_a_long_region_and_a_negative_cursor_are_each_named_and_nothing_is_stored()
    {
        var ct = TestContext.Current.CancellationToken;
        var commands = Commands(allowLoopback: false);

        var refused = await commands.CreateAsync(
            new CreateWebhookRequest("http://127.0.0.1:9/hook", ["Alert Raised"], new string('r', 201), -1), Integrator("city-platform"), ct);
        var notAUrl = await commands.CreateAsync(new CreateWebhookRequest("ftp://example.org/hook", null, null, null), Integrator("city-platform"), ct);

        var problem = Assert.IsType<ValidationProblem>(refused.Result).ProblemDetails;
        Assert.Equal(["after", "regionId", "types", "url"], problem.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("allow-list", problem.Detail, StringComparison.Ordinal); // a refused target says how to allow it
        Assert.True(Assert.IsType<ValidationProblem>(notAUrl.Result).ProblemDetails.Errors.ContainsKey("url"));
        Assert.Empty(await _store.ListAsync(null, ct));
    }

    [Fact]
    public async Task A_subscription_starts_at_the_feeds_latest_cursor_under_its_owner_and_only_its_owner_deletes_it()
    {
        var ct = TestContext.Current.CancellationToken;
        _feed.Append("alert.raised", 1, InMemoryPorts.T0, "gp-1", "r-east", JsonSerializer.SerializeToElement(new { alertId = "a-1" }));
        _feed.Append("alert.cleared", 1, InMemoryPorts.T0, "gp-1", "r-east", JsonSerializer.SerializeToElement(new { alertId = "a-1" }));
        var commands = Commands(allowLoopback: true);

        var created = Assert.IsType<Created<CreatedWebhook>>(
            (await commands.CreateAsync(new CreateWebhookRequest("http://127.0.0.1:9/hook", ["alert.raised", "alert.raised"], " ", null), Integrator("city-platform"), ct)).Result);
        var id = created.Value!.Subscription.SubscriptionId;
        var otherIntegrator = await commands.DeleteAsync(id, Integrator("other-platform"), ct);
        // A signed-in account of the integrator's name owns another namespace ("user:..."), so it cannot delete it either.
        var sameNameAccount = await commands.DeleteAsync(id, new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "city-platform")], "test")), ct);

        Assert.Equal($"/api/webhooks/{id}", created.Location);
        Assert.StartsWith("whsec_", created.Value.Secret, StringComparison.Ordinal);
        var stored = Assert.Single(await _store.ListAsync("city-platform", ct));
        Assert.Equal((2L, InMemoryPorts.T0, null, created.Value.Secret), (stored.Cursor, stored.CreatedAt, stored.RegionId, stored.Secret));
        Assert.Equal(["alert.raised"], stored.Types);
        Assert.Equal(404, Assert.IsType<ProblemHttpResult>(otherIntegrator.Result).StatusCode);
        Assert.Equal(404, Assert.IsType<ProblemHttpResult>(sameNameAccount.Result).StatusCode);
        Assert.NotNull(await _store.FindAsync(id, ct));
        Assert.IsType<NoContent>((await commands.DeleteAsync(id, Integrator("city-platform"), ct)).Result);
        Assert.Empty(await _store.ListAsync("city-platform", ct));
    }

    private WebhookCommands Commands(bool allowLoopback) =>
        new(_store, _feed, _deliveries, new OutboundPolicy(new OutboundOptions { AllowedNetworks = allowLoopback ? ["127.0.0.0/8"] : [] }), _time);

    private static ClaimsPrincipal Integrator(string name) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], ApiKeyDefaults.Scheme));
}
