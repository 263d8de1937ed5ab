using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Contracts.Devices;
using RiskMonitor.Ingestion.Security;
using RiskMonitor.Server.Integration;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Security;

namespace RiskMonitor.Server.Devices;

/// <summary>
/// <c>/api/devices</c>: provision MQTT device and gateway credentials (the secret is returned once), list them, rotate
/// a secret, revoke a device at run time. Every call needs the admin key in <c>X-Admin-Key</c>.
/// </summary>
internal static class DeviceEndpoints
{
    public const string AdminKeyHeader = "X-Admin-Key";

    public static RouteGroupBuilder MapDeviceEndpoints(this IEndpointRouteBuilder routes)
    {
        var devices = routes.MapGroup("/api/devices").WithTags("Devices").RequireAuthorization(Policies.Administer);
        devices.MapGet("/", List).WithName("ListDevices").WithSummary("Provisioned MQTT credentials (never their secrets).");
        devices.MapGet("/{deviceId}", Get).WithName("GetDevice");
        devices.MapPost("/", Create).WithName("ProvisionDevice")
            .WithSummary("Creates a device or gateway credential for the listed assets; the response carries the secret, once.");
        devices.MapPost("/{deviceId}/rotate", Rotate).WithName("RotateDeviceSecret")
            .WithSummary("Issues a new secret (returned once) and disconnects the device's live sessions.");
        devices.MapPost("/{deviceId}/revoke", Revoke).WithName("RevokeDevice")
            .WithSummary("Revokes the device: new connections are refused and live sessions are disconnected now.");
        return devices;
    }

    private static async Task<Ok<IReadOnlyList<DeviceView>>> List(DeviceProvisioning provisioning, CancellationToken cancellationToken) =>
        TypedResults.Ok<IReadOnlyList<DeviceView>>([.. (await provisioning.ListAsync(cancellationToken)).Select(DeviceView.Of)]);

    private static async Task<Results<Ok<DeviceView>, ProblemHttpResult>> Get(string deviceId, DeviceProvisioning provisioning, CancellationToken cancellationToken) =>
        await provisioning.FindAsync(deviceId, cancellationToken) is { } credential
            ? TypedResults.Ok(DeviceView.Of(credential))
            : Problems.NotFound("Unknown device", $"No device '{deviceId}'.");

    private static async Task<Results<Created<ProvisionedDevice>, ValidationProblem, ProblemHttpResult>> Create(
        ProvisionDeviceRequest request, DeviceProvisioning provisioning, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var result = await provisioning.CreateAsync(request.DeviceId, request.Assets, request.Description, Actor(user, request.Actor), cancellationToken);
        return result.Outcome switch
        {
            ProvisioningOutcome.Done => TypedResults.Created($"/api/devices/{result.Credential!.DeviceId}", ProvisionedDevice.Of(result)),
            ProvisioningOutcome.Exists => Problems.Conflict("Device exists", result.Problem!),
            _ => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["request"] = [result.Problem!] }),
        };
    }

    private static async Task<Results<Ok<ProvisionedDevice>, ProblemHttpResult>> Rotate(
        string deviceId, DeviceProvisioning provisioning, ClaimsPrincipal user, CancellationToken cancellationToken, string? actor = null)
    {
        var result = await provisioning.RotateAsync(deviceId, Actor(user, actor), cancellationToken);
        return result.Outcome switch
        {
            ProvisioningOutcome.Done => TypedResults.Ok(ProvisionedDevice.Of(result)),
            ProvisioningOutcome.Revoked => Problems.Conflict("Device revoked", result.Problem!),
            _ => Problems.NotFound("Unknown device", result.Problem!),
        };
    }

    private static async Task<Results<Ok<DeviceView>, ProblemHttpResult>> Revoke(
        string deviceId, DeviceProvisioning provisioning, ClaimsPrincipal user, CancellationToken cancellationToken, string? actor = null)
    {
        var result = await provisioning.RevokeAsync(deviceId, Actor(user, actor), cancellationToken);
        return result.Outcome == ProvisioningOutcome.Done
            ? TypedResults.Ok(DeviceView.Of(result.Credential!))
            : Problems.NotFound("Unknown device", result.Problem!);
    }

    // A signed-in admin is the actor; the bootstrap admin key has no person behind it, so it is marked as such with the
    // name the caller gives.
    private static string Actor(ClaimsPrincipal user, string? named) =>
        user.Identity?.AuthenticationType != ApiKeyDefaults.Scheme && user.Identity?.Name is { Length: > 0 } name ? name
        : string.IsNullOrWhiteSpace(named) ? "admin-key" : $"admin-key:{named.Trim()[..Math.Min(named.Trim().Length, 100)]}";
}

/// <summary>A request to provision a device (or a gateway, with every asset it forwards for).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record ProvisionDeviceRequest(string? DeviceId, IReadOnlyList<string>? Assets, string? Description = null, string? Actor = null);

/// <summary>A credential as the API shows it: everything but the hash.</summary>
internal sealed record DeviceView(
    string DeviceId, IReadOnlyList<string> Assets, string? Description, DateTimeOffset CreatedAt, string CreatedBy,
    DateTimeOffset? RotatedAt, bool Revoked, DateTimeOffset? RevokedAt, string? RevokedBy)
{
    public static DeviceView Of(DeviceCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return new(credential.DeviceId, credential.Assets, credential.Description, credential.CreatedAt, credential.CreatedBy,
            credential.RotatedAt, credential.IsRevoked, credential.RevokedAt, credential.RevokedBy);
    }
}

/// <summary>
/// The answer to a create or rotate: MQTT user name is the device id, and so is the client id; the password is
/// <see cref="Secret"/>, which the server does not keep and cannot show again.
/// </summary>
internal sealed record ProvisionedDevice(DeviceView Device, string Username, string ClientId, string Secret)
{
    public static ProvisionedDevice Of(ProvisioningResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var view = DeviceView.Of(result.Credential!);
        return new(view, view.DeviceId, view.DeviceId, result.Secret!);
    }
}
