using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Storage.Integration;

namespace RiskMonitor.Server.Integration;

/// <summary>
/// Issuing and revoking integrators' API keys (<c>/api/integrators/keys</c>), for the bootstrap admin key only. The key
/// itself is in the answer to the POST and nowhere else: only its SHA-256 is stored.
/// </summary>
internal static partial class IntegratorKeyEndpoints
{
    public static RouteGroupBuilder MapIntegratorKeyEndpoints(this IEndpointRouteBuilder routes)
    {
        var keys = routes.MapGroup("/api/integrators/keys").WithTags("Integration").RequireAuthorization(IntegrationPolicies.KeysManage);
        keys.MapPost("/", Issue).WithName("IssueApiKey").WithSummary("Issues a key to an integrator with the given scopes; the key is shown once.");
        keys.MapGet("/", List).WithName("ListApiKeys");
        keys.MapDelete("/{keyId}", Revoke).WithName("RevokeApiKey");
        return keys;
    }

    private static async Task<Results<Created<IssuedApiKey>, ValidationProblem>> Issue(
        IssueApiKeyRequest request, IApiKeyStore store, TimeProvider time, ClaimsPrincipal user, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Integrator is not { } integrator || !IntegratorName().IsMatch(integrator))
        {
            errors["integrator"] = ["The integrator's name: 1-100 letters, digits, '.', '_' or '-'."];
        }

        var scopes = request.Scopes?.Distinct(StringComparer.Ordinal).ToArray() ?? [];
        if (scopes.Length == 0 || scopes.Any(s => !ApiScopes.Grantable.Contains(s)))
        {
            errors["scopes"] = [$"One or more of: {string.Join(", ", ApiScopes.Grantable)}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var key = ApiKeyMaterial.NewKey();
        var actor = user.Identity?.Name ?? ApiKeyDefaults.AdminName;
        var record = new ApiKeyRecord(ApiKeyMaterial.NewId("key_"), request.Integrator!, scopes, time.GetUtcNow(), actor, null);
        await store.CreateAsync(record, ApiKeyMaterial.Hash(key), cancellationToken);
        IntegrationLog.KeyIssued(logs.CreateLogger(typeof(IntegratorKeyEndpoints)), record.KeyId, record.Integrator, string.Join(' ', scopes), actor);
        return TypedResults.Created($"/api/integrators/keys/{record.KeyId}", new IssuedApiKey(record.KeyId, record.Integrator, record.Scopes, record.CreatedAt, key));
    }

    private static async Task<Ok<IReadOnlyList<ApiKeyRecord>>> List(IApiKeyStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.ListAsync(cancellationToken));

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(
        string keyId, IApiKeyStore store, TimeProvider time, ClaimsPrincipal user, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        if (!await store.RevokeAsync(keyId, time.GetUtcNow(), cancellationToken))
        {
            return Problems.NotFound("Unknown key", $"No active key '{keyId}'.");
        }

        IntegrationLog.KeyRevoked(logs.CreateLogger(typeof(IntegratorKeyEndpoints)), keyId, user.Identity?.Name ?? ApiKeyDefaults.AdminName);
        return TypedResults.NoContent();
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex IntegratorName();
}

internal sealed record IssueApiKeyRequest(string? Integrator, IReadOnlyList<string>? Scopes);

/// <summary>The answer to issuing a key: <see cref="Key"/> is shown this once; store it like a password.</summary>
internal sealed record IssuedApiKey(string KeyId, string Integrator, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, string Key);
