using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using RiskMonitor.Domain.Access;
using RiskMonitor.Server.Devices;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.Integration;

namespace RiskMonitor.Server.Integration;

/// <summary>
/// The API key scheme: an integrator's key in <c>X-Api-Key</c> (or <c>Authorization: ApiKey {key}</c>), or a bootstrap
/// admin key (also in <c>X-Admin-Key</c>). The default scheme forwards here when a key is presented and to JWT bearer
/// otherwise (docs/decisions/0015-webhooks-and-api-keys.md, 0025-api-authentication-and-scope.md).
/// </summary>
internal static class ApiKeyDefaults
{
    public const string Scheme = "ApiKey";
    public const string Header = "X-Api-Key";
    public const string ScopeClaim = "scope";
    public const string KeyIdClaim = "key_id";

    /// <summary>The integrator name of the bootstrap admin key from configuration.</summary>
    public const string AdminName = "admin";
}

/// <summary>One authorization policy per scope, each by the name of its scope.</summary>
internal static class IntegrationPolicies
{
    public const string FeedRead = ApiScopes.FeedRead;
    public const string WebhooksManage = ApiScopes.WebhooksManage;
    public const string KeysManage = ApiScopes.KeysManage;
}

/// <summary><c>Integration</c> section.</summary>
internal sealed class IntegrationOptions
{
    public const string SectionName = "Integration";

    /// <summary>
    /// A bootstrap admin key: it acts as the admin role (issue integrators' keys, create the first accounts) before
    /// anyone can sign in. Unset = only signed-in admins. Give it at least 32 random characters (e.g.
    /// <c>openssl rand -base64 32</c>).
    /// </summary>
    [System.ComponentModel.DataAnnotations.MinLength(32)]
    public string? AdminKey { get; set; }

    /// <summary>At most one <c>region.changed</c> per region per this interval (the newest colour wins).</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan RegionCoalescing { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The CAP <c>sender</c> of every message: an id of this platform, unique among the city's senders.</summary>
    [System.ComponentModel.DataAnnotations.RegularExpression("^[^\\s,<&]{1,200}$")]
    public string CapSender { get; set; } = "riskmonitor@city-safety.example";
}

internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IApiKeyStore keys, IOptions<IntegrationOptions> integration, IOptions<DeviceAdminOptions> devices)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string AuthorizationPrefix = ApiKeyDefaults.Scheme + " ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[ApiKeyDefaults.Header].ToString();
        if (presented.Length == 0)
        {
            presented = Request.Headers[DeviceEndpoints.AdminKeyHeader].ToString();
        }

        if (presented.Length == 0 && Request.Headers.Authorization.ToString() is { } authorization &&
            authorization.StartsWith(AuthorizationPrefix, StringComparison.OrdinalIgnoreCase))
        {
            presented = authorization[AuthorizationPrefix.Length..].Trim();
        }

        if (presented.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (presented.Length > 200)
        {
            return AuthenticateResult.Fail("The API key is not valid.");
        }

        var hash = ApiKeyMaterial.Hash(presented);
        // The bootstrap admin keys (integration and device provisioning; run.sh sets one key for both) act as the admin
        // role, so that a new install can create its first accounts and devices before anyone can sign in.
        foreach (var admin in new[] { integration.Value.AdminKey, devices.Value.AdminKey })
        {
            if (admin is { Length: > 0 } && CryptographicOperations.FixedTimeEquals(hash, ApiKeyMaterial.Hash(admin)))
            {
                return Success(ApiKeyDefaults.AdminName, ApiKeyDefaults.AdminName, [ApiScopes.KeysManage], AccessRoles.Name(AccessRole.Admin));
            }
        }

        var key = await keys.FindActiveAsync(hash, Context.RequestAborted);
        return key is null
            ? AuthenticateResult.Fail("The API key is not valid.")
            : Success(key.Integrator, key.KeyId, key.Scopes);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = ApiKeyDefaults.Scheme;
        return WriteProblemAsync(StatusCodes.Status401Unauthorized, "API key required",
            $"Send an integrator's API key in the {ApiKeyDefaults.Header} header (or the admin key in {DeviceEndpoints.AdminKeyHeader}); a missing, unknown or revoked key is refused.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "Scope missing", "This API key does not carry the scope or role this endpoint needs.");

    private AuthenticateResult Success(string integrator, string keyId, IEnumerable<string> scopes, string? role = null)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, integrator), new(ApiKeyDefaults.KeyIdClaim, keyId) };
        claims.AddRange(scopes.Select(s => new Claim(ApiKeyDefaults.ScopeClaim, s)));
        if (role is not null)
        {
            claims.Add(new Claim(ClaimTypes.Role, role));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, ApiKeyDefaults.Scheme));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, ApiKeyDefaults.Scheme));
    }

    private Task WriteProblemAsync(int status, string title, string detail) => SecurityHosting.WriteProblemAsync(Context, status, title, detail);
}
