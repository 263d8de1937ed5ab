using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace RiskMonitor.Simulator.Mqtt;

/// <summary>
/// Gets each gateway a credential from the server's <c>/api/devices</c>: creates it the first time, rotates its secret
/// on later runs (the server shows a secret only once and keeps only its hash, so a restarted simulator needs a new one).
/// </summary>
internal sealed class DeviceProvisioner(HttpClient http, string adminKey)
{
    public async Task<string> SecretForAsync(string deviceId, IReadOnlyList<string> assets, CancellationToken cancellationToken)
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, "api/devices")
        {
            Content = JsonContent.Create(new { deviceId, assets, description = "demo city simulator gateway" }),
        };
        create.Headers.Add("X-Admin-Key", adminKey);
        using var created = await http.SendAsync(create, cancellationToken);
        if (created.StatusCode == HttpStatusCode.Conflict)
        {
            using var rotate = new HttpRequestMessage(HttpMethod.Post, $"api/devices/{Uri.EscapeDataString(deviceId)}/rotate?actor=simulator");
            rotate.Headers.Add("X-Admin-Key", adminKey);
            using var rotated = await http.SendAsync(rotate, cancellationToken);
            return await SecretAsync(rotated, deviceId, cancellationToken);
        }

        return await SecretAsync(created, deviceId, cancellationToken);
    }

    private static async Task<string> SecretAsync(HttpResponseMessage response, string deviceId, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var problem = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new InvalidOperationException($"Provisioning {deviceId} failed: {(int)response.StatusCode} {problem}");
        }

        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return body.GetProperty("secret").GetString() ?? throw new InvalidOperationException($"Provisioning {deviceId}: no secret in the answer.");
    }
}
