using System.Collections.Immutable;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RiskMonitor.Contracts.Access;
using RiskMonitor.Domain.Access;
using RiskMonitor.Server.Integration;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Live;

namespace RiskMonitor.Server.Platform.Security;

/// <summary>
/// The built-in token issuer (<c>/api/auth</c>), the account administration (<c>/api/users</c>, admin) and the audit
/// trail (<c>/api/audit</c>, admin).
/// </summary>
internal static class AuthEndpoints
{
    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder routes)
    {
        var auth = routes.MapGroup("/api/auth").WithTags("Access");
        auth.MapPost("/token", Token).AllowAnonymous().WithName("SignIn")
            .WithSummary("Signs in with name and password; the bearer token carries roles and region scope (built-in issuer only).");
        auth.MapPost("/refresh", Refresh).RequireAuthorization(policy => policy.RequireAuthenticatedUser()).WithName("RefreshToken")
            .WithSummary("A new token for the signed-in account while it is still enabled: a wall display that refreshes stays signed in.");
        auth.MapGet("/me", (ClaimsPrincipal user, AccessControl access) => TypedResults.Ok(new SignedInUser(
                user.Identity?.Name ?? "", [.. AccessControl.RoleNames(user).Distinct()], access.ScopeOf(user).Regions, user.Identity?.AuthenticationType)))
            .RequireAuthorization(policy => policy.RequireAuthenticatedUser()).WithName("WhoAmI")
            .WithSummary("Who the token says the caller is: name, roles, regions (empty = city-wide).");

        var users = routes.MapGroup("/api/users").WithTags("Access").RequireAuthorization(Policies.Administer);
        users.MapGet("/", async (IUserStore store, CancellationToken ct) =>
            TypedResults.Ok<IReadOnlyList<UserView>>([.. (await store.ListAsync(ct)).Select(UserView.Of)])).WithName("ListUsers");
        users.MapGet("/{name}", async Task<Results<Ok<UserView>, ProblemHttpResult>> (string name, IUserStore store, CancellationToken ct) =>
            await store.FindAsync(name, ct) is { } user ? TypedResults.Ok(UserView.Of(user)) : Problems.NotFound("Unknown user", $"No user '{name}'."))
            .WithName("GetUser");
        users.MapPut("/{name}", Save).WithName("SaveUser")
            .WithSummary("Creates the account or replaces its roles, regions and display name; a password is required for a new account.");

        routes.MapGet("/api/audit", async (IAuditTrail trail, CancellationToken ct, string? actor = null, DateTimeOffset? from = null,
                DateTimeOffset? to = null, string? path = null, int limit = 100) =>
                TypedResults.Ok(await trail.QueryAsync(new AuditQuery(actor, from, to, path, limit), ct)))
            .WithTags("Access").WithName("ReadAuditTrail").RequireAuthorization(Policies.Administer)
            .WithSummary("Write requests and refused requests, newest first: who, roles, method, path, status, client.");
        return routes;
    }

    private static async Task<Results<Ok<IssuedToken>, ValidationProblem, ProblemHttpResult>> Token(
        SignInRequest request, HttpContext context, IUserStore users, TokenIssuer issuer, IOptions<AuthOptions> options, SignInThrottle throttle,
        ILogger<TokenIssuer> logger, CancellationToken cancellationToken)
    {
        if (options.Value.Authority is not null)
        {
            return TypedResults.Problem("Sign in with the city's identity provider; this server does not issue tokens.",
                statusCode: StatusCodes.Status404NotFound, title: "Built-in issuer off");
        }

        if (string.IsNullOrWhiteSpace(request.Username) || request.Username.Length > 100 || string.IsNullOrEmpty(request.Password) || request.Password.Length > 1000)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["credentials"] = ["Give username and password."] });
        }

        var name = request.Username.Trim();
        context.Items[AuditTrailWriter.AttemptedNameKey] = name;
        var client = context.Connection.RemoteIpAddress?.ToString();
        // Per account as well as per address (issue 24 row 8): inside the wait the password is not even checked, so
        // guessing one account from many addresses is as slow as from one. Unknown names wait the same way.
        if (throttle.WaitFor(name) is { } wait && wait > TimeSpan.Zero)
        {
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            SecurityLog.SignInThrottled(logger, name, client, wait);
            return TypedResults.Problem($"Too many wrong passwords for this name in a row; try again in {seconds} s.",
                statusCode: StatusCodes.Status429TooManyRequests, title: "Too many sign-in attempts");
        }

        var account = await users.FindAsync(name, cancellationToken);
        // The same answer for an unknown name, a wrong password and a disabled account: the response must not tell
        // which names exist. An unknown name still pays for a hash, so the timing does not tell either.
        var verified = account is not null ? UserPasswords.Verify(request.Password, account.PasswordHash) : UserPasswords.Verify(request.Password, DummyHash.Value);
        throttle.Record(name, succeeded: account is not null && verified);
        if (account is null || !verified || account.Disabled)
        {
            SecurityLog.SignInRefused(logger, name, client);
            return TypedResults.Problem("The name or password is wrong, or the account is disabled.",
                statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in refused");
        }

        SecurityLog.SignedIn(logger, account.Name, string.Join(',', account.Roles), client);
        return TypedResults.Ok(issuer.Issue(account));
    }

    private static async Task<Results<Ok<IssuedToken>, ProblemHttpResult>> Refresh(
        ClaimsPrincipal user, IUserStore users, TokenIssuer issuer, IOptions<AuthOptions> options, CancellationToken cancellationToken)
    {
        if (options.Value.Authority is not null || user.Identity?.AuthenticationType == ApiKeyDefaults.Scheme)
        {
            return TypedResults.Problem("Only tokens of the built-in issuer are refreshed here.", statusCode: StatusCodes.Status404NotFound,
                title: "Built-in issuer off");
        }

        // The account is read again, so a disabled account or a changed role or region takes effect at the next refresh.
        return user.Identity?.Name is { } name && await users.FindAsync(name, cancellationToken) is { Disabled: false } account
            ? TypedResults.Ok(issuer.Issue(account))
            : TypedResults.Problem("The account is disabled or gone; sign in again.", statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in required");
    }

    private static readonly Lazy<string> DummyHash = new(() => UserPasswords.Hash(Guid.NewGuid().ToString()));

    private static async Task<Results<Ok<UserView>, Created<UserView>, ValidationProblem>> Save(
        string name, SaveUserRequest request, ClaimsPrincipal admin, IUserStore users, AccountStatus status, HubAccountRecheck hubs,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100 || name.Trim() != name)
        {
            errors["name"] = ["A user name is 1-100 characters without leading or trailing spaces (the real name, 实名制)."];
        }

        var roles = request.Roles ?? [];
        if (roles.Count == 0 || roles.Any(r => !AccessRoles.TryParse(r, out _)))
        {
            errors["roles"] = [$"Give at least one role among: {string.Join(", ", AccessRoles.Names)}."];
        }

        var existing = await users.FindAsync(name, cancellationToken);
        if (existing is null && string.IsNullOrEmpty(request.Password))
        {
            errors["password"] = ["A new account needs a password."];
        }

        if (request.Password is { } password && (password.Length < UserPasswords.MinimumLength || password.Length > 1000))
        {
            errors["password"] = [$"A password is at least {UserPasswords.MinimumLength} characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var now = time.GetUtcNow();
        var actor = admin.Identity?.Name ?? "admin";
        var account = new UserAccount(
            name,
            request.Password is { } newPassword ? UserPasswords.Hash(newPassword) : existing!.PasswordHash,
            [.. roles.Select(r => r.Trim().ToLowerInvariant()).Distinct()],
            // A field left out keeps its value (issue 24 row 7): leaving out regions made a scoped account city-wide, and
            // leaving out disabled re-enabled a disabled one. "regions": [] is how an account is made city-wide.
            request.Regions is null ? existing?.Regions ?? [] : [.. request.Regions.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r.Trim()).Distinct()],
            request.DisplayName ?? existing?.DisplayName,
            existing?.CreatedAt ?? now, existing?.CreatedBy ?? actor, now, actor, request.Disabled ?? existing?.Disabled ?? false);
        await users.SaveAsync(account, cancellationToken);
        status.Forget(name); // a disabled account is refused from the next request on
        await hubs.RecheckAsync(name, cancellationToken); // and its open hub connections on this node closed or regrouped now
        var view = UserView.Of(await users.FindAsync(name, cancellationToken) ?? account);
        return existing is null ? TypedResults.Created($"/api/users/{Uri.EscapeDataString(name)}", view) : TypedResults.Ok(view);
    }
}

internal sealed record SignInRequest(string? Username, string? Password);

/// <summary>An account to create or change; the password is optional when changing one, and never shown again.</summary>
internal sealed record SaveUserRequest(
    IReadOnlyList<string>? Roles, IReadOnlyList<string>? Regions = null, string? Password = null, string? DisplayName = null, bool? Disabled = null);

internal sealed record UserView(
    string Name, string? DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Regions, bool Disabled,
    DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset UpdatedAt, string UpdatedBy)
{
    public static UserView Of(UserAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new(account.Name, account.DisplayName, account.Roles, account.Regions, account.Disabled,
            account.CreatedAt, account.CreatedBy, account.UpdatedAt, account.UpdatedBy);
    }
}

internal sealed record SignedInUser(string Name, IReadOnlyList<string> Roles, ImmutableArray<string> Regions, string? Scheme);
