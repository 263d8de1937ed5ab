using RiskMonitor.Domain.Integration;

namespace RiskMonitor.Domain.Tests.Integration;

public sealed class WebhookSignatureTests
{
    // Known vector, computed outside .NET:
    //   printf '1764072000.{"cursor":42,"type":"alert.raised"}' | openssl dgst -sha256 -hmac 'whsec_test'
    private const string Secret = "whsec_test";
    private const long Timestamp = 1764072000;
    private const string Body = """{"cursor":42,"type":"alert.raised"}""";
    private const string Expected = "9326ff754599fce4ec966dc09f5fe20007c7988cc50d8fb253bdc9d130192d58";
    private static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeSeconds(Timestamp);

    [Fact]
    public void The_signature_matches_the_openssl_vector()
    {
        Assert.Equal(Expected, WebhookSignature.Compute(Secret, Timestamp, Body));
        Assert.Equal($"t={Timestamp},v1={Expected}", WebhookSignature.Header(Secret, SignedAt, Body));
    }

    [Fact]
    public void A_receiver_accepts_the_header_within_the_tolerance_and_refuses_a_changed_body_secret_or_old_timestamp()
    {
        var header = WebhookSignature.Header(Secret, SignedAt, Body);
        var tolerance = TimeSpan.FromMinutes(5);

        Assert.True(WebhookSignature.Verify(Secret, header, Body, SignedAt.AddMinutes(4), tolerance));
        Assert.False(WebhookSignature.Verify(Secret, header, Body.Replace("42", "43", StringComparison.Ordinal), SignedAt, tolerance));
        Assert.False(WebhookSignature.Verify("whsec_other", header, Body, SignedAt, tolerance));
        Assert.False(WebhookSignature.Verify(Secret, header, Body, SignedAt.AddMinutes(6), tolerance));
        Assert.False(WebhookSignature.Verify(Secret, $"t={Timestamp + 1},v1={Expected}", Body, SignedAt, tolerance));
        Assert.False(WebhookSignature.Verify(Secret, null, Body, SignedAt, tolerance));
        Assert.False(WebhookSignature.Verify(Secret, "v1=" + Expected, Body, SignedAt, tolerance));
    }

    [Fact]
    public void A_header_with_a_second_signature_verifies_when_either_matches()
    {
        var header = $"t={Timestamp},v1=00ff,v1={Expected}";

        Assert.True(WebhookSignature.Verify(Secret, header, Body, SignedAt, TimeSpan.FromMinutes(5)));
    }
}
