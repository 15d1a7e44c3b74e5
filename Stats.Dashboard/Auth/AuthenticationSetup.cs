using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Stats.Dashboard.Access;

namespace Stats.Dashboard.Auth;

/// <summary>
/// Who the dashboard's users are: a cookie session, opened by OpenID Connect (authorization code with PKCE) or, in Development
/// without a provider, by picking a demo user; the claims it keeps are the canonical ones the access rules read.
/// </summary>
public static class AuthenticationSetup
{
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string OidcScheme = OpenIdConnectDefaults.AuthenticationScheme;

    /// <summary>Registers the session, the provider (when configured), the claim mapping and the <c>Stats:Auth</c> settings (validated at start).</summary>
    public static WebApplicationBuilder AddStatsAuthentication(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateOnStart();
        services.AddOptions<OidcOptions>().BindConfiguration(OidcOptions.SectionName).ValidateOnStart();
        services.AddOptions<ClaimMappingOptions>().BindConfiguration(ClaimMappingOptions.SectionName).ValidateOnStart();
        services.AddSingleton<AuthOptionsValidator>();
        services.AddSingleton<IValidateOptions<AuthOptions>>(sp => sp.GetRequiredService<AuthOptionsValidator>());
        services.AddSingleton<IValidateOptions<OidcOptions>>(sp => sp.GetRequiredService<AuthOptionsValidator>());
        services.AddSingleton<IValidateOptions<ClaimMappingOptions>>(sp => sp.GetRequiredService<AuthOptionsValidator>());
        services.AddSingleton<ClaimMapper>();

        // Framing is ruled by the security headers (frame-ancestors, and X-Frame-Options: DENY outside /embed/...): the
        // antiforgery system's own SAMEORIGIN would otherwise stop an embed with a form from sitting on the repository's pages.
        services.AddAntiforgery(options => options.SuppressXFrameOptionsHeader = true);
        // Several instances on one store read each other's cookies and tokens: the key ring lives in the store.
        services.AddStoreKeyRing();

        // Every page runs behind the cookie; an unauthenticated challenge goes to /account/sign-in, which picks the way in.
        var authentication = services.AddAuthentication(options =>
        {
            options.DefaultScheme = CookieScheme;
            options.DefaultChallengeScheme = CookieScheme;
        });
        authentication.AddCookie(CookieScheme);
        // Machines (the API, SUSHI) authenticate with API keys; the named policies on the map groups say which callers pass.
        authentication.AddStatsPolicies();
        services.AddOptions<CookieAuthenticationOptions>(CookieScheme).Configure<IOptions<AuthOptions>>((cookie, auth) =>
        {
            cookie.Cookie.Name = ".Stats.Session";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = auth.Value.SessionLifetime;
            cookie.SlidingExpiration = true;
            cookie.LoginPath = AccountEndpoints.SignInPath;
            cookie.LogoutPath = AccountEndpoints.SignOutPath;
            cookie.AccessDeniedPath = AccountEndpoints.SignInFailedPath;
            cookie.ReturnUrlParameter = "returnUrl";
            cookie.Events.OnRedirectToLogin = context => RedirectOrProblemAsync(context, StatusCodes.Status401Unauthorized);
            cookie.Events.OnRedirectToAccessDenied = context => RedirectOrProblemAsync(context, StatusCodes.Status403Forbidden);
        });

        // The configuration decides at start whether there is a provider; its settings are validated by the options above.
        var oidc = builder.Configuration.GetSection(OidcOptions.SectionName).Get<OidcOptions>() ?? new OidcOptions();
        if (oidc.IsConfigured)
        {
            authentication.AddOpenIdConnect(OidcScheme, _ => { });
            services.AddSingleton<TokenRefresher>();
            services.AddOptions<OpenIdConnectOptions>(OidcScheme)
                .Configure<IOptions<OidcOptions>, IOptions<ClaimMappingOptions>>((options, provider, claims) => ConfigureOidc(options, provider.Value, claims.Value));
            services.AddOptions<CookieAuthenticationOptions>(CookieScheme).Configure<TokenRefresher>((cookie, refresher) =>
                cookie.Events.OnValidatePrincipal = refresher.ValidateOrRefreshAsync);
        }

        services.AddAuthorization();
        services.Configure<CookiePolicyOptions>(options =>
        {
            // Every cookie: out of scripts' reach, not sent on cross-site subrequests, Secure over HTTPS. Lax (not None) for the
            // provider's correlation cookies too: the provider answers with a top-level GET (response_mode=query).
            options.HttpOnly = HttpOnlyPolicy.Always;
            options.MinimumSameSitePolicy = SameSiteMode.Lax;
            options.Secure = CookieSecurePolicy.SameAsRequest;
        });
        return builder;
    }

    private static void ConfigureOidc(OpenIdConnectOptions options, OidcOptions provider, ClaimMappingOptions claims)
    {
        options.SignInScheme = CookieScheme;
        options.Authority = provider.Authority;
        options.ClientId = provider.ClientId;
        options.ClientSecret = string.IsNullOrEmpty(provider.ClientSecret) ? null : provider.ClientSecret;
        options.RequireHttpsMetadata = provider.RequireHttpsMetadata;
        options.CallbackPath = provider.CallbackPath;
        options.SignedOutCallbackPath = provider.SignedOutCallbackPath;

        // Authorization code with PKCE; the code comes back in the query of a top-level GET, so Lax cookies suffice.
        options.ResponseType = OpenIdConnectResponseType.Code;
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.UsePkce = true;
        options.Scope.Clear();
        foreach (var scope in provider.EffectiveScopes)
        {
            options.Scope.Add(scope);
        }

        if (provider.RefreshTokens && !options.Scope.Contains(OpenIdConnectScope.OfflineAccess))
        {
            options.Scope.Add(OpenIdConnectScope.OfflineAccess);
        }

        // The id token (and the refresh token) stay in the session: the sign-out sends it as id_token_hint, the refresher renews it.
        options.SaveTokens = true;
        options.GetClaimsFromUserInfoEndpoint = provider.GetClaimsFromUserInfoEndpoint;
        options.ClaimActions.MapJsonKey(claims.Roles, claims.Roles);
        options.ClaimActions.MapUniqueJsonKey(claims.Name, claims.Name);

        // The provider's claim names as they are, not mapped to the WS-Federation URIs.
        options.MapInboundClaims = false;
        options.TokenValidationParameters.NameClaimType = claims.Name;
        options.TokenValidationParameters.RoleClaimType = claims.Roles;

        options.Events.OnTicketReceived = async context =>
        {
            // After the id token is validated and the userinfo merged: the session keeps the canonical claims only.
            var mapper = context.HttpContext.RequestServices.GetRequiredService<ClaimMapper>();
            var principal = mapper.Map(context.Principal!, OidcScheme);
            if (principal is null)
            {
                context.Response.Redirect(AccountEndpoints.SignInFailedHref("no_user_id"));
                context.HandleResponse();
                return;
            }

            context.Principal = principal;
            context.ReturnUri = await AccountEndpoints.LandingAsync(
                context.ReturnUri ?? "/", principal.FindFirst(ViewerClaims.UserIdClaim)?.Value, context.HttpContext);
        };
        options.Events.OnRemoteFailure = context =>
        {
            // A refused or tampered answer (bad signature, expired token, wrong state, the user said no) is a page that
            // says so, not an exception.
            var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuthenticationSetup));
            logger.LogWarning(context.Failure, "Sign-in with {Authority} failed.", provider.Authority);
            var denied = context.Failure?.Message.Contains("access_denied", StringComparison.Ordinal) == true;
            context.Response.Redirect(AccountEndpoints.SignInFailedHref(denied ? "access_denied" : "invalid_response"));
            context.HandleResponse();
            return Task.CompletedTask;
        };
    }

    // Machine clients (the API, SUSHI, metrics, health) get a status and problem details, never a redirect to a login page.
    private static async Task RedirectOrProblemAsync(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (!StatsPaths.IsMachineEndpoint(context.HttpContext))
        {
            context.Response.Redirect(context.RedirectUri);
            return;
        }

        context.Response.StatusCode = status;
        var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context.HttpContext,
            ProblemDetails =
            {
                Status = status,
                Title = status == StatusCodes.Status401Unauthorized ? "Authentication is required" : "Not allowed",
                Detail = "Machine clients send an API key as 'Authorization: Bearer <key>'; the browser session is for the dashboard's pages.",
            },
        });
    }
}
