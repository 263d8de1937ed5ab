using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using RiskMonitor.Domain.Access;
using RiskMonitor.Server.Devices;
using RiskMonitor.Server.Integration;
using RiskMonitor.Server.Platform.Http;

namespace RiskMonitor.Server.Platform.Security;

/// <summary>
/// Authentication and authorization of the API and the hubs (issue 11, docs/decisions/0025). One default scheme picks
/// per request: an integrator's or the admin's key (<c>X-Api-Key</c>, <c>X-Admin-Key</c>, <c>Authorization: ApiKey</c>)
/// goes to the API key scheme, everything else to JWT bearer. Every endpoint that names no policy needs a viewer: a
/// new endpoint is closed until someone opens it on purpose.
/// </summary>
internal static class SecurityHosting
{
    /// <summary>The default scheme: forwards to <see cref="JwtBearerDefaults.AuthenticationScheme"/> or the API key scheme.</summary>
    public const string DefaultScheme = "RiskMonitor";

    public static WebApplicationBuilder AddRiskMonitorSecurity(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => SigningKeyProvider.IsValid(o.SigningKey), "Auth:SigningKey must be base64 of at least 32 bytes.")
            .Validate(o => o.Users.All(u => u.Roles.Count > 0 && u.Roles.All(r => AccessRoles.TryParse(r, out _))),
                $"Each of Auth:Users needs roles among: {string.Join(", ", AccessRoles.Names)}.")
            // Data annotations are not checked inside list items, so the seed accounts are checked here.
            .Validate(o => o.Users.All(u => !string.IsNullOrWhiteSpace(u.Name) && u.Name.Trim().Length <= 100 && u.Password.Length >= UserPasswords.MinimumLength),
                $"Each of Auth:Users needs a name (1-100 characters) and a password of at least {UserPasswords.MinimumLength} characters.")
            .ValidateOnStart();
        services.AddSingleton<SigningKeyProvider>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<AccountStatus>();
        services.AddSingleton<AccessControl>();
        services.AddSingleton<ICallerAccess>(sp => sp.GetRequiredService<AccessControl>());
        services.AddSingleton<AuditTrailWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditTrailWriter>());
        services.AddHostedService<UserSeeder>();

        services.AddAuthentication(DefaultScheme)
            .AddPolicyScheme(DefaultScheme, "Bearer token or API key", o => o.ForwardDefaultSelector = context =>
                PresentsApiKey(context.Request) ? ApiKeyDefaults.Scheme : JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>, SigningKeyProvider>(ConfigureBearer);

        var view = new AuthorizationPolicyBuilder();
        Role(AccessRole.Viewer)(view);
        var viewPolicy = view.Build();
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.View, viewPolicy)
            .AddPolicy(Policies.Operate, Role(AccessRole.Operator))
            .AddPolicy(Policies.Supervise, Role(AccessRole.Supervisor))
            .AddPolicy(Policies.Administer, Role(AccessRole.Admin))
            .AddPolicy(Policies.Unit, Role(AccessRole.Unit))
            // A viewer (at least) whose account is not scoped to regions: naming a policy replaces the fallback, so
            // this one repeats the viewer requirement.
            .AddPolicy(Policies.CityWide, policy => Role(AccessRole.Viewer)(policy.AddRequirements(new CityWideRequirement())))
            // An endpoint without a policy needs a viewer; the anonymous ones say AllowAnonymous where they are mapped.
            .SetFallbackPolicy(viewPolicy);
        services.AddSingleton<IAuthorizationHandler, CityWideHandler>();
        return builder;
    }

    /// <summary>After the exception handler and status pages (refusals are problem documents), before the endpoints.</summary>
    public static WebApplication UseRiskMonitorSecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAuthentication();
        var audit = app.Services.GetRequiredService<AuditTrailWriter>();
        app.Use((context, next) => audit.InvokeAsync(context, _ => next()));
        app.UseAuthorization();
        return app;
    }

    /// <summary>
    /// The root of every API route: the caller's region scope is checked against the alert, asset, region, hazard or incident a
    /// route names, and request bodies are attributed to the signed-in person (<see cref="ActorFilter"/>).
    /// </summary>
    public static RouteGroupBuilder MapSecuredApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("");
        // Hygiene first: a NUL or NaN never reaches a store or a sum, whoever sends it (issue 24 row 4).
        api.AddEndpointFilter<InputHygieneFilter>();
        api.AddEndpointFilter<RegionScopeFilter>();
        api.AddEndpointFilter<ActorFilter>();
        return api;
    }

    private static Action<AuthorizationPolicyBuilder> Role(AccessRole role) => policy => policy
        .RequireAuthenticatedUser()
        .RequireAssertion(c => AccessControl.Has(c.User, role));

    private static bool PresentsApiKey(HttpRequest request) =>
        request.Headers.ContainsKey(ApiKeyDefaults.Header) || request.Headers.ContainsKey(DeviceEndpoints.AdminKeyHeader) ||
        request.Headers.Authorization.ToString().StartsWith(ApiKeyDefaults.Scheme + " ", StringComparison.OrdinalIgnoreCase);

    private static void ConfigureBearer(JwtBearerOptions bearer, IOptions<AuthOptions> options, SigningKeyProvider key)
    {
        var auth = options.Value;
        // Claim names stay as the token has them (no mapping to long SOAP URIs), so Auth:NameClaim and friends match.
        bearer.MapInboundClaims = false;
        bearer.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateAudience = true,
            ValidAudience = auth.Audience,
            AuthenticationType = JwtBearerDefaults.AuthenticationScheme, // what /api/auth/me and the audit trail call it
            NameClaimType = auth.NameClaim,
            RoleClaimType = auth.RoleClaim,
            ClockSkew = TimeSpan.FromSeconds(30),
        };
        if (auth.Authority is { } authority)
        {
            bearer.Authority = authority;
            bearer.RequireHttpsMetadata = auth.RequireHttpsMetadata;
        }
        else
        {
            bearer.TokenValidationParameters.ValidIssuer = auth.Issuer;
            bearer.TokenValidationParameters.IssuerSigningKey = key.Key;
            bearer.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }

        bearer.Events = new JwtBearerEvents
        {
            // Browsers cannot set headers on a WebSocket, so the SignalR client sends the token in the query string.
            OnMessageReceived = context =>
            {
                if (context.Request.Path.StartsWithSegments("/hubs") && context.Request.Query["access_token"].ToString() is { Length: > 0 } token)
                {
                    context.Token = token;
                }

                return Task.CompletedTask;
            },
            // A built-in token is only as good as its account: a disabled one is refused before its token expires, and a
            // changed one acts with the account's roles and regions now, not those written into the token at sign-in.
            OnTokenValidated = async context =>
            {
                if (auth.Authority is not null || context.Principal?.Identity is not ClaimsIdentity { Name: { } name } identity)
                {
                    return;
                }

                var rights = await context.HttpContext.RequestServices.GetRequiredService<AccountStatus>().RightsAsync(name, context.HttpContext.RequestAborted);
                if (rights is { Disabled: true })
                {
                    context.Fail("The account is disabled.");
                }
                else if (rights is not null)
                {
                    context.Principal = new ClaimsPrincipal(WithRights(identity, rights, auth.RegionClaim));
                }
            },
            OnChallenge = async context =>
            {
                context.HandleResponse();
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await WriteProblemAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Sign-in required",
                    context.AuthenticateFailure is null
                        ? "Send a bearer token (POST /api/auth/token, or your city's identity provider)."
                        : "The bearer token is not valid (expired, wrong issuer or audience, or a bad signature); sign in again.");
            },
            OnForbidden = context => WriteProblemAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Not allowed",
                "Your roles do not allow this; ask an administrator if your duties need it."),
        };
    }

    /// <summary>The token's identity with its role and region claims replaced by the account's current ones.</summary>
    private static ClaimsIdentity WithRights(ClaimsIdentity token, AccountRights rights, string regionClaim)
    {
        var kept = token.Claims.Where(c => c.Type != token.RoleClaimType && c.Type != regionClaim).Select(c => new Claim(c.Type, c.Value, c.ValueType, c.Issuer));
        return new ClaimsIdentity(
            kept.Concat(rights.Roles.Select(r => new Claim(token.RoleClaimType, r))).Concat(rights.Regions.Select(r => new Claim(regionClaim, r))),
            token.AuthenticationType, token.NameClaimType, token.RoleClaimType);
    }

    internal static async Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}

/// <summary>The caller is not scoped to regions.</summary>
internal sealed class CityWideRequirement : IAuthorizationRequirement;

internal sealed class CityWideHandler(AccessControl access) : AuthorizationHandler<CityWideRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, CityWideRequirement requirement)
    {
        if (access.ScopeOf(context.User).IsCityWide)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
