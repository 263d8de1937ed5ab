using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace RiskMonitor.Server.Escalation;

/// <summary>
/// POSTs each escalation as JSON to <c>Escalation:WebhookUrl</c>, signed when a secret is set: header
/// <c>X-RiskMonitor-Signature: sha256=HEX</c>, the HMAC-SHA256 of <c>{timestamp}.{body}</c> with the secret, and
/// <c>X-RiskMonitor-Timestamp</c> (unix seconds) so a receiver can refuse replays. Retried 3 times with backoff.
/// </summary>
internal sealed class WebhookChannel(HttpClient http, IOptions<EscalationOptions> options, JsonSerializerOptions json, TimeProvider time)
    : INotificationChannel
{
    public const string SignatureHeader = "X-RiskMonitor-Signature";
    public const string TimestampHeader = "X-RiskMonitor-Timestamp";
    private const int Attempts = 3;

    public string Name => "webhook";

    public async Task SendAsync(EscalationMessage message, CancellationToken cancellationToken)
    {
        if (options.Value.WebhookUrl is not { } url)
        {
            return;
        }

        var body = JsonSerializer.Serialize(message, json);
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            request.Headers.Add(TimestampHeader, timestamp);
            if (options.Value.WebhookSecret is { Length: > 0 } secret)
            {
                request.Headers.Add(SignatureHeader, "sha256=" + Sign(secret, timestamp, body));
            }

            try
            {
                using var response = await http.SendAsync(request, cancellationToken);
                if (response.IsSuccessStatusCode || attempt == Attempts || (int)response.StatusCode is >= 400 and < 500 and not 408 and not 429)
                {
                    response.EnsureSuccessStatusCode();
                    return;
                }
            }
            catch (HttpRequestException) when (attempt < Attempts)
            {
                // retried below
            }

            await Task.Delay(TimeSpan.FromSeconds(attempt * attempt), time, cancellationToken);
        }
    }

    public static string Sign(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
}
