using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RiskMonitor.Server.Escalation;
using RiskMonitor.Server.Messaging;
using RiskMonitor.Server.Tests.Fakes;
using RiskMonitor.Storage.Messaging;

namespace RiskMonitor.Server.Tests.Messaging;

/// <summary>The SMS gateway's delivery receipts in process, on the in-memory delivery log: signed, fresh, well formed, known.</summary>
public sealed class SmsReceiptsTests
{
    private const string Secret = "gateway-shared-secret";

    private readonly FakeTimeProvider _time = new(InMemoryPorts.T0);
    private readonly InMemoryDeliveryLog _log = new();

    [Fact]
    public async Task A_signed_fresh_receipt_marks_the_message_it_names_and_an_unknown_id_is_404()
    {
        var ct = TestContext.Current.CancellationToken;
        await _log.RecordAsync(new DeliveryRecord(1, "a-1", 1, "sms:li.wei", "+8613800000000", "gw-42", DeliveryStatus.Sent, null, InMemoryPorts.T0.AddMinutes(-1)), ct);
        var receipts = Receipts(Secret);

        var delivered = await SendAsync(receipts, """{"messageId":"gw-42","status":"DELIVERED","detail":"DELIVRD"}""", Secret, InMemoryPorts.T0, ct);
        var unknown = await SendAsync(receipts, """{"messageId":"gw-99","status":"failed"}""", Secret, InMemoryPorts.T0, ct);

        Assert.IsType<NoContent>(delivered.Result);
        Assert.Equal("Unknown message", Assert.IsType<NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>>(unknown.Result).Value!.Title);
        var record = Assert.Single(await _log.ListAsync("a-1", 10, ct));
        Assert.Equal((DeliveryStatus.Delivered, "DELIVRD", InMemoryPorts.T0), (record.Status, record.ProviderStatus, record.ReceiptAt));
    }

    [Fact]
    public async Task Without_a_gateway_secret_a_wrong_or_stale_signature_or_a_body_without_a_status_nothing_is_applied()
    {
        var ct = TestContext.Current.CancellationToken;
        await _log.RecordAsync(new DeliveryRecord(1, "a-1", 1, "sms:li.wei", "+8613800000000", "gw-42", DeliveryStatus.Sent, null, InMemoryPorts.T0.AddMinutes(-1)), ct);
        const string Body = """{"messageId":"gw-42","status":"delivered"}""";

        var noGateway = await SendAsync(Receipts(null), Body, Secret, InMemoryPorts.T0, ct);
        var wrongKey = await SendAsync(Receipts(Secret), Body, "another-secret", InMemoryPorts.T0, ct);
        var replayed = await SendAsync(Receipts(Secret), Body, Secret, InMemoryPorts.T0.AddMinutes(-6), ct);
        var noStatus = await SendAsync(Receipts(Secret), """{"messageId":"gw-42","status":"maybe"}""", Secret, InMemoryPorts.T0, ct);

        Assert.Equal(404, Assert.IsType<ProblemHttpResult>(noGateway.Result).StatusCode);
        Assert.Equal(401, Assert.IsType<ProblemHttpResult>(wrongKey.Result).StatusCode);
        Assert.Equal(401, Assert.IsType<ProblemHttpResult>(replayed.Result).StatusCode);
        Assert.True(Assert.IsType<ValidationProblem>(noStatus.Result).ProblemDetails.Errors.ContainsKey("body"));
        Assert.Equal(DeliveryStatus.Sent, Assert.Single(await _log.ListAsync("a-1", 10, ct)).Status);
    }

    private SmsReceipts Receipts(string? secret) =>
        new(_log, Options.Create(new MessagingOptions { Sms = new SmsGatewayOptions { Secret = secret } }), _time, NullLoggerFactory.Instance);

    private static Task<Results<NoContent, ProblemHttpResult, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>, ValidationProblem>> SendAsync(
        SmsReceipts receipts, string body, string key, DateTimeOffset signedAt, CancellationToken ct)
    {
        var timestamp = signedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return receipts.ApplyAsync(new MemoryStream(Encoding.UTF8.GetBytes(body)), timestamp, "sha256=" + WebhookChannel.Sign(key, timestamp, body), ct);
    }
}
