using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace RiskMonitor.Server.Tests.Devices;

/// <summary>
/// Issue 11 over the real broker: device credentials, the topic ACL, revocation at run time, the per-client rate
/// limit and the payload limit, with every refusal counted.
/// </summary>
public sealed class MqttSecurityTests(SecureServerFixture server) : IClassFixture<SecureServerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_provisioned_device_connects_and_its_readings_are_accepted()
    {
        var ct = TestContext.Current.CancellationToken;
        var secret = await server.ProvisionAsync("dev-ok", ["gp-t-001"], ct);
        var before = await server.ReadingsAcceptedAsync(ct);

        using var client = await server.ConnectAsync("dev-ok", "dev-ok", secret, ct);
        var ack = await Publish(client, "rm/v1/gp-t-001/telemetry", ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 1.5)), ct);

        Assert.True(Accepted(ack.ReasonCode), ack.ReasonCode.ToString());
        var after = await ServerFixture.EventuallyAsync(() => server.ReadingsAcceptedAsync(ct), n => n > before, Patience, ct);
        Assert.Equal(before + 1, after);
    }

    [Fact]
    public async Task Wrong_password_unknown_device_and_someone_elses_client_id_are_refused_and_counted()
    {
        var ct = TestContext.Current.CancellationToken;
        var secret = await server.ProvisionAsync("dev-refuse", ["gp-t-002"], ct);
        var badPassword = await server.RejectedAsync("bad_password", ct);
        var unknown = await server.RejectedAsync("unknown_device", ct);
        var mismatch = await server.RejectedAsync("client_id_mismatch", ct);

        var wrong = await server.RefusedAsync("dev-refuse", "dev-refuse", secret + "x", ct);
        var nobody = await server.RefusedAsync("ghost", "ghost", secret, ct);
        var anonymous = await server.RefusedAsync("anon", null, null, ct);
        var takeover = await server.RefusedAsync("dev-ok", "dev-refuse", secret, ct);
        var v311 = await server.RefusedAsync("dev-refuse", "dev-refuse", "nope", ct, MqttProtocolVersion.V311);

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, wrong);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, nobody);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, anonymous);
        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, takeover);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, v311); // 3.1.1 return code 4
        Assert.Equal(badPassword + 2, await server.RejectedAsync("bad_password", ct));
        Assert.Equal(unknown + 2, await server.RejectedAsync("unknown_device", ct));
        Assert.Equal(mismatch + 1, await server.RejectedAsync("client_id_mismatch", ct));
    }

    [Fact]
    public async Task Publishing_to_another_assets_topic_is_refused_counted_dead_lettered_and_never_reaches_the_asset()
    {
        var ct = TestContext.Current.CancellationToken;
        var secret = await server.ProvisionAsync("dev-acl", ["gp-t-003"], ct);
        var refused = await server.RejectedAsync("topic_not_allowed", ct);
        using var client = await server.ConnectAsync("dev-acl", "dev-acl", secret, ct);

        // A red methane reading forged for an asset this device does not speak for, and one outside rm/v1.
        var forged = await Publish(client, "rm/v1/gp-t-004/telemetry", ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 90)), ct);
        var outside = await Publish(client, "elsewhere/gp-t-003", "{}", ct);

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, forged.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, outside.ReasonCode);
        Assert.Equal(refused + 2, await server.RejectedAsync("topic_not_allowed", ct));
        var letters = await server.GetJsonAsync("api/ingest/dead-letters?reason=topic_not_allowed", ct);
        Assert.Contains(letters.EnumerateArray(), l => l.GetProperty("topic").GetString() == "rm/v1/gp-t-004/telemetry" && l.GetProperty("clientId").GetString() == "dev-acl");

        // Its own asset still works afterwards, and the forged reading left no trace on the other asset or its alerts.
        var own = await Publish(client, "rm/v1/gp-t-003/telemetry", ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 2)), ct);
        Assert.True(Accepted(own.ReasonCode), own.ReasonCode.ToString());
        await ServerFixture.EventuallyAsync(() => server.GetJsonAsync("api/assets/gp-t-003", ct), a => a.TryGetProperty("latest", out var l) && l.TryGetProperty("ch4_lel", out _), Patience, ct);
        var victim = await server.GetJsonAsync("api/assets/gp-t-004", ct);
        Assert.False(victim.TryGetProperty("latest", out var latest) && latest.ValueKind == JsonValueKind.Object && latest.TryGetProperty("ch4_lel", out _));
        var alerts = await server.GetJsonAsync("api/alerts?assetId=gp-t-004", ct);
        Assert.Equal(0, alerts.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_device_may_subscribe_to_nothing_not_even_its_own_assets_topics()
    {
        var ct = TestContext.Current.CancellationToken;
        var secret = await server.ProvisionAsync("dev-sub", ["gp-t-005"], ct);
        var refused = await server.RejectedAsync("subscription_not_allowed", ct);
        using var client = await server.ConnectAsync("dev-sub", "dev-sub", secret, ct);

        var result = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter("rm/v1/gp-t-005/#")
            .WithTopicFilter("rm/v1/gp-t-005/telemetry")
            .WithTopicFilter("rm/v1/+/telemetry")
            .WithTopicFilter("#")
            .WithTopicFilter("rm/v1/gp-t-006/telemetry")
            .Build(), ct);

        Assert.All(result.Items, i => Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, i.ResultCode));
        Assert.Equal(refused + 5, await server.RejectedAsync("subscription_not_allowed", ct));
    }

    [Fact]
    public async Task A_revoked_device_is_disconnected_at_once_and_refused_afterwards()
    {
        var ct = TestContext.Current.CancellationToken;
        var secret = await server.ProvisionAsync("dev-revoke", ["gp-t-007"], ct);
        using var client = await server.ConnectAsync("dev-revoke", "dev-revoke", secret, ct);
        var disconnected = new TaskCompletionSource<MqttClientDisconnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.DisconnectedAsync += e =>
        {
            disconnected.TrySetResult(e);
            return Task.CompletedTask;
        };
        var revokedBefore = await server.RejectedAsync("revoked_device", ct);

        using var response = await server.Http.PostAsync("api/devices/dev-revoke/revoke?actor=ops.zhang", null, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var view = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.True(view.GetProperty("revoked").GetBoolean());
        Assert.Equal("admin-key:ops.zhang", view.GetProperty("revokedBy").GetString());
        var gone = await disconnected.Task.WaitAsync(Patience, ct);
        Assert.Equal(MqttClientDisconnectReason.NotAuthorized, gone.Reason);
        var again = await server.RefusedAsync("dev-revoke", "dev-revoke", secret, ct);
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, again);
        Assert.Equal(revokedBefore + 1, await server.RejectedAsync("revoked_device", ct));
        // Revoked ids are not reused, and a revoked device's secret cannot be rotated back to life.
        using var recreate = await server.Http.PostAsJsonAsync("api/devices", new { deviceId = "dev-revoke", assets = new[] { "gp-t-007" } }, ct);
        Assert.Equal(HttpStatusCode.Conflict, recreate.StatusCode);
        using var rotate = await server.Http.PostAsync("api/devices/dev-revoke/rotate", null, ct);
        Assert.Equal(HttpStatusCode.Conflict, rotate.StatusCode);
    }

    [Fact]
    public async Task Rotating_a_secret_ends_the_old_session_and_only_the_new_secret_connects()
    {
        var ct = TestContext.Current.CancellationToken;
        var oldSecret = await server.ProvisionAsync("dev-rotate", ["gp-t-008"], ct);
        using var client = await server.ConnectAsync("dev-rotate", "dev-rotate", oldSecret, ct);

        using var response = await server.Http.PostAsync("api/devices/dev-rotate/rotate", null, ct);

        response.EnsureSuccessStatusCode();
        var newSecret = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("secret").GetString()!;
        Assert.NotEqual(oldSecret, newSecret);
        await ServerFixture.EventuallyAsync(() => Task.FromResult(client.IsConnected), c => !c, Patience, ct);
        Assert.False(client.IsConnected);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await server.RefusedAsync("dev-rotate", "dev-rotate", oldSecret, ct));
        using var fresh = await server.ConnectAsync("dev-rotate", "dev-rotate", newSecret, ct);
        Assert.True(fresh.IsConnected);
    }

    [Fact]
    public async Task A_client_over_its_rate_is_refused_with_quota_exceeded_and_counted()
    {
        var ct = TestContext.Current.CancellationToken;
        var secret = await server.ProvisionAsync("dev-rate", ["gp-t-009"], ct);
        var limited = await server.RejectedAsync("rate_limited", ct);
        using var client = await server.ConnectAsync("dev-rate", "dev-rate", secret, ct);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        // The bucket holds RatePerSecond messages; three times as many sent back to back must overflow it whatever
        // the machine's speed (at most a few refill in the time it takes to send them).
        var codes = new List<MqttClientPublishReasonCode>();
        for (var i = 0; i < SecureServerFixture.RatePerSecond * 3; i++)
        {
            codes.Add((await Publish(client, "rm/v1/gp-t-009/telemetry", ServerFixture.Reading(now + i, ("ch4_lel", 1)), ct)).ReasonCode);
        }

        var refused = codes.Count(c => c == MqttClientPublishReasonCode.QuotaExceeded);
        Assert.True(refused > 0, "no message was refused");
        Assert.True(codes.Count(Accepted) >= SecureServerFixture.RatePerSecond);
        Assert.Equal(limited + refused, await server.RejectedAsync("rate_limited", ct));
    }

    [Fact]
    public async Task An_oversized_payload_is_refused_at_the_broker_and_counted()
    {
        var ct = TestContext.Current.CancellationToken;
        var secret = await server.ProvisionAsync("dev-big", ["gp-t-010"], ct);
        var oversized = await server.RejectedAsync("oversized", ct);
        using var client = await server.ConnectAsync("dev-big", "dev-big", secret, ct);

        var ack = await Publish(client, "rm/v1/gp-t-010/telemetry", "{\"values\":{\"x\":1},\"pad\":\"" + new string('a', 70_000) + "\"}", ct);

        Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, ack.ReasonCode);
        Assert.Equal(oversized + 1, await server.RejectedAsync("oversized", ct));
        var letters = await server.GetJsonAsync("api/ingest/dead-letters?reason=oversized", ct);
        Assert.Contains(letters.EnumerateArray(), l => l.GetProperty("clientId").GetString() == "dev-big" && l.GetProperty("payloadBytes").GetInt32() == 1024);
    }

    [Fact]
    public async Task The_devices_api_wants_the_admin_key_and_never_shows_a_hash()
    {
        var ct = TestContext.Current.CancellationToken;
        await server.ProvisionAsync("dev-list", ["gp-t-011", "gp-t-012"], ct);
        using var anonymous = new HttpClient { BaseAddress = server.Http.BaseAddress };
        using var wrongKey = new HttpClient { BaseAddress = server.Http.BaseAddress };
        wrongKey.DefaultRequestHeaders.Add("X-Admin-Key", "not-the-key-not-the-key");

        using var noKey = await anonymous.GetAsync("api/devices", ct);
        using var badKey = await wrongKey.PostAsJsonAsync("api/devices", new { deviceId = "dev-x", assets = new[] { "gp-t-001" } }, ct);
        var list = await server.Http.GetStringAsync("api/devices", ct);

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal("application/problem+json", noKey.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, badKey.StatusCode);
        Assert.Contains("\"dev-list\"", list, StringComparison.Ordinal);
        Assert.DoesNotContain("pbkdf2", list, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", list, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("{\"deviceId\":\"bad id\",\"assets\":[\"gp-t-001\"]}")]
    [InlineData("{\"deviceId\":\"dev-y\",\"assets\":[]}")]
    [InlineData("{\"deviceId\":\"dev-y\",\"assets\":[\"no-such-asset\"]}")]
    [InlineData("{\"deviceId\":\"dev-y\",\"assets\":[\"gp-t-001\"],\"role\":\"admin\"}")]
    public async Task Bad_provisioning_requests_are_400_problems(string body)
    {
        var ct = TestContext.Current.CancellationToken;

        using var response = await server.Http.PostAsync("api/devices", new StringContent(body, Encoding.UTF8, "application/json"), ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    // A publish that nobody subscribes to is acknowledged as "no matching subscribers", which is still a success.
    private static bool Accepted(MqttClientPublishReasonCode code) =>
        code is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers;

    private static Task<MqttClientPublishResult> Publish(IMqttClient client, string topic, string payload, CancellationToken ct) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(payload))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);
}
