using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RiskMonitor.Contracts.Devices;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Server.Tests.Platform.Http;

/// <summary>
/// Issue 11: no response ever carries a stack trace or an exception's message. The server runs as in production, with
/// a credential store that fails the way a broken database driver does, message full of secrets.
/// </summary>
public sealed class NoStackTraceTests : IAsyncLifetime
{
    private const string AdminKey = "stack-trace-admin-key-0123";
    private const string Secret = "Host=db;Password=hunter2";
    private readonly string _root = Directory.CreateTempSubdirectory("riskmonitor-trace-").FullName;
    private readonly int _httpPort = FreePort.Next();
    private WebApplication _app = null!; // set in InitializeAsync
    private HttpClient _http = null!; // set in InitializeAsync

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var assets = Path.Combine(_root, "assets.geojson");
        await File.WriteAllTextAsync(assets, TestCity.GeoJson(2), ct);
        var url = $"http://127.0.0.1:{_httpPort.ToString(CultureInfo.InvariantCulture)}";
        _app = RiskMonitorApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "None",
                ["Urls"] = url,
                ["Mqtt:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
                ["Influx:Url"] = $"http://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}",
                ["Influx:SpoolDirectory"] = Path.Combine(_root, "spool"),
                ["Registry:AssetsPath"] = assets,
                ["Orleans:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
                ["Orleans:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
                ["Devices:AdminKey"] = AdminKey,
            });
            // Registered first, so the stores' TryAdd leaves it in place.
            builder.Services.AddSingleton<IDeviceCredentialStore, FailingCredentialStore>();
        });
        await _app.StartAsync(ct);
        _http = new HttpClient { BaseAddress = new Uri(url + "/") };
        _http.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task An_unhandled_exception_becomes_a_plain_500_problem_without_trace_or_message()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.True(_app.Environment.IsProduction());

        using var response = await _http.GetAsync("api/devices", ct);

        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("hunter2", body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("FailingCredentialStore", body, StringComparison.Ordinal);
    }

    private sealed class FailingCredentialStore : IDeviceCredentialStore
    {
        public Task<DeviceCredential?> FindAsync(string deviceId, CancellationToken cancellationToken = default) => throw Fail();

        public Task<bool> TryCreateAsync(DeviceCredential credential, CancellationToken cancellationToken = default) => throw Fail();

        public Task<IReadOnlyList<DeviceCredential>> ListAsync(CancellationToken cancellationToken = default) => throw Fail();

        public Task<DeviceCredential?> RevokeAsync(string deviceId, string actor, DateTimeOffset at, CancellationToken cancellationToken = default) => throw Fail();

        public Task<DeviceCredential?> RotateAsync(string deviceId, string passwordHash, DateTimeOffset at, CancellationToken cancellationToken = default) => throw Fail();

        private static InvalidOperationException Fail() => new($"connection failed: {Secret}");
    }
}
