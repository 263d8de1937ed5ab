using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Server.Tests.Devices;

/// <summary>
/// The optional TLS listener: a self-signed certificate made here, the plain listener closed, and a device that logs
/// in over TLS and checks that the broker presents exactly that certificate.
/// </summary>
public sealed class MqttTlsTests : IAsyncLifetime
{
    private const string AdminKey = "tls-admin-key-0123456789";
    private readonly int _tlsPort = FreePort.Next();
    private readonly string _folder = Directory.CreateTempSubdirectory("riskmonitor-tls-").FullName;
    private X509Certificate2 _certificate = null!; // set in InitializeAsync
    private OwnServer _server = null!; // set in InitializeAsync

    public async ValueTask InitializeAsync()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(_folder, "broker.pfx");
        await File.WriteAllBytesAsync(path, _certificate.Export(X509ContentType.Pkcs12, "pfx-password"), TestContext.Current.CancellationToken);

        _server = await OwnServer.StartAsync(
            new Dictionary<string, string?>
            {
                ["Mqtt:Authentication"] = "Required",
                ["Mqtt:TlsCertificatePath"] = path,
                ["Mqtt:TlsCertificatePassword"] = "pfx-password",
                ["Mqtt:TlsPort"] = _tlsPort.ToString(CultureInfo.InvariantCulture),
                ["Mqtt:PlainListener"] = "false",
                ["Devices:AdminKey"] = AdminKey,
            },
            TestContext.Current.CancellationToken);
        _server.Http.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _certificate.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_device_logs_in_and_publishes_over_tls_and_the_plain_port_is_closed()
    {
        var ct = TestContext.Current.CancellationToken;
        using var created = await _server.Http.PostAsJsonAsync("api/devices", new { deviceId = "tls-gw", assets = new[] { "gp-t-001" } }, ct);
        created.EnsureSuccessStatusCode();
        var secret = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("secret").GetString();
        var presented = new List<string>();
        using var client = new MqttClientFactory().CreateMqttClient();

        var result = await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", _tlsPort).WithClientId("tls-gw").WithCredentials("tls-gw", secret).WithTimeout(TimeSpan.FromSeconds(30))
            .WithTlsOptions(tls => tls.UseTls().WithCertificateValidationHandler(e =>
            {
                // Pin the test's certificate: a self-signed one has no chain to trust.
                presented.Add(e.Certificate.GetCertHashString());
                return e.Certificate.GetCertHashString() == _certificate.Thumbprint;
            }))
            .Build(), ct);
        var ack = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("rm/v1/gp-t-001/telemetry")
            .WithPayload(Encoding.UTF8.GetBytes(ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 3))))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);

        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        Assert.Equal([_certificate.Thumbprint], presented);
        Assert.Contains(ack.ReasonCode, new[] { MqttClientPublishReasonCode.Success, MqttClientPublishReasonCode.NoMatchingSubscribers });
        var stats = await ServerFixture.EventuallyAsync(() => _server.GetJsonAsync("api/ingest/stats", ct),
            s => s.GetProperty("ingestion").GetProperty("readingsAccepted").GetInt64() == 1, TimeSpan.FromSeconds(30), ct);
        Assert.Equal(1, stats.GetProperty("ingestion").GetProperty("readingsAccepted").GetInt64());
        using var plain = new MqttClientFactory().CreateMqttClient();
        await Assert.ThrowsAnyAsync<Exception>(() => plain.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", _server.MqttPort).WithClientId("tls-gw").WithCredentials("tls-gw", secret).WithTimeout(TimeSpan.FromSeconds(10)).Build(), ct));
    }
}
