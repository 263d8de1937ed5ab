using System.ComponentModel.DataAnnotations;

namespace RiskMonitor.Server.Platform.Security;

/// <summary>
/// <c>Auth</c> section: who may call the API and the hubs (issue 11, docs/decisions/0025-api-authentication-and-scope.md).
/// Without <see cref="Authority"/> the server is its own token issuer (<c>POST /api/auth/token</c>, accounts in
/// PostgreSQL); with it, bearer tokens from that OpenID Connect authority are accepted instead.
/// </summary>
internal sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>An OpenID Connect authority (its discovery document gives the signing keys). Unset = the built-in issuer.</summary>
    public string? Authority { get; set; }

    /// <summary>The <c>aud</c> every token must carry.</summary>
    [Required] public string Audience { get; set; } = "riskmonitor";

    /// <summary>The built-in issuer's <c>iss</c>.</summary>
    [Required] public string Issuer { get; set; } = "riskmonitor";

    /// <summary>
    /// The built-in issuer's HMAC-SHA256 key, base64, at least 32 bytes. Unset = a random key per process: every token
    /// dies with a restart, and silos of a cluster would refuse each other's tokens, so set it in production.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>How long a built-in token lasts: a 12 h shift by default, so a wall display signs in once a shift.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// How long "this account is enabled" is believed before the account store is asked again (built-in tokens only): a
    /// disabled account loses access within this time on every node, and at once on the node that disabled it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan AccountRecheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Wrong passwords in a row on one account name before each further attempt must wait (issue 24 row 8; the
    /// per-address limit is <c>Http:PublicWritePermitsPerMinute</c>). Then the wait doubles from 1 s to
    /// <see cref="SignInMaxDelay"/> (<see cref="RiskMonitor.Domain.Access.SignInBackoff"/>).
    /// </summary>
    [Range(1, 1000)]
    public int SignInFreeFailures { get; set; } = 5;

    /// <summary>
    /// The longest wait between attempts on one account: short, because anyone can make an account wait by failing
    /// on purpose, and the owner must still get in after it; 1 min still holds guessing to 60 an hour per account.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SignInMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The claim that names the person (the actor recorded in every ledger); an OIDC authority may need <c>preferred_username</c>.</summary>
    [Required] public string NameClaim { get; set; } = "name";

    /// <summary>The claim holding role names (viewer, operator, supervisor, integrator, admin), one value each.</summary>
    [Required] public string RoleClaim { get; set; } = "role";

    /// <summary>The claim holding the region ids a person is scoped to; none = city-wide.</summary>
    [Required] public string RegionClaim { get; set; } = "region";

    /// <summary>
    /// The pages' client id at <see cref="Authority"/>: the browser signs in there with the authorization code flow
    /// and PKCE as a public client (a page cannot keep a client secret, so none is configured). Register it at the
    /// authority with the pages' addresses (<c>https://host/wall</c>, <c>/oncall</c>, <c>/sites/*/board</c>) as
    /// redirect URIs and the server's <see cref="Audience"/> in its access tokens. Unused with the built-in issuer.
    /// </summary>
    public string? ClientId { get; set; } = "riskmonitor-web";

    /// <summary>
    /// The scopes the pages ask the authority for. <c>openid profile</c> is what a provider needs to put the person's
    /// name into the token; add the scope that maps roles and regions (or <c>offline_access</c> for a refresh token)
    /// where the provider wants one asked for explicitly.
    /// </summary>
    public string Scope { get; set; } = "openid profile";

    /// <summary>Fetch the authority's metadata over HTTPS only; turn off for a lab authority on plain HTTP.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Accounts created at start when the account store is empty (the first admin, the demo city's people).</summary>
    public List<SeedUser> Users { get; set; } = [];
}

/// <summary>An account from configuration; see <see cref="AuthOptions.Users"/>.</summary>
internal sealed class SeedUser
{
    public string Name { get; set; } = "";

    /// <summary>At least 12 characters (checked at start with the rest of the section).</summary>
    public string Password { get; set; } = "";

    public List<string> Roles { get; set; } = [];

    public List<string> Regions { get; set; } = [];

    public string? DisplayName { get; set; }
}
