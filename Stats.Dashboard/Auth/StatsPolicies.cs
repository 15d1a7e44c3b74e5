using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Stats.Core.Access;
using Stats.Dashboard.Access;

namespace Stats.Dashboard.Auth;

/// <summary>
/// The named authorization policies that the API's map groups require (<c>.RequireAuthorization(StatsPolicies.Ingest)</c>):
/// which scheme finds the caller, which key scopes pass, and whether a browser session passes too. What a caller that passes
/// may then see of the statistics is the access rules' decision, per query (ADR-009).
/// </summary>
public static class StatsPolicies
{
    /// <summary>Sending events: a key of the <c>ingest</c> scope, never a browser session.</summary>
    public const string Ingest = "stats-ingest";

    /// <summary>Reading statistics: anyone, but a key must have the <c>read</c> (or <c>admin</c>) scope.</summary>
    public const string Read = "stats-read";

    /// <summary>Admin endpoints: a key of the <c>admin</c> scope, or a signed-in admin.</summary>
    public const string Admin = "stats-admin";

    /// <summary>COUNTER_SUSHI and Make Data Count: a key of the <c>read</c> (or <c>admin</c>) scope as <c>api_key</c> or <c>requestor_id</c>.</summary>
    public const string SushiHarvest = "stats-sushi-harvest";

    /// <summary>Registers the API key schemes, the policies, and how a refusal is answered.</summary>
    public static AuthenticationBuilder AddStatsPolicies(this AuthenticationBuilder authentication)
    {
        authentication.AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.KeyScheme, _ => { });
        authentication.AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(
            ApiKeyAuthenticationHandler.KeyOrSessionScheme, options => options.FallsBackToSession = true);
        authentication.AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(
            ApiKeyAuthenticationHandler.SushiScheme, options => options.KeyInSushiQuery = true);

        var services = authentication.Services;
        services.AddSingleton<IAuthorizationHandler, ApiAccessHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ApiRefusalResultHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(Ingest, Policy(new ApiAccessRequirement(
                ApiKeyAuthenticationHandler.KeyScheme, ApiScopes.Ingest, [ApiScopes.Ingest], SessionAccess.None,
                "Send the key as 'Authorization: Bearer <key>'. Admins create keys in the Admin page or with the 'apikey create' verb.")))
            .AddPolicy(Read, Policy(new ApiAccessRequirement(
                ApiKeyAuthenticationHandler.KeyOrSessionScheme, ApiScopes.Read, [ApiScopes.Read, ApiScopes.Admin], SessionAccess.Anyone,
                "Sign in, or send an API key of the 'read' scope as 'Authorization: Bearer <key>'.")))
            .AddPolicy(Admin, Policy(new ApiAccessRequirement(
                ApiKeyAuthenticationHandler.KeyOrSessionScheme, ApiScopes.Admin, [ApiScopes.Admin], SessionAccess.Admins,
                "Sign in as an admin, or send an API key of the 'admin' scope as 'Authorization: Bearer <key>'.")))
            .AddPolicy(SushiHarvest, Policy(new ApiAccessRequirement(
                ApiKeyAuthenticationHandler.SushiScheme, ApiScopes.Read, [ApiScopes.Read, ApiScopes.Admin], SessionAccess.None,
                "Send an API key of scope 'read' as api_key.")));
        return authentication;
    }

    private static Action<AuthorizationPolicyBuilder> Policy(ApiAccessRequirement requirement) =>
        policy => policy.AddAuthenticationSchemes(requirement.Scheme).AddRequirements(requirement);
}

/// <summary>Which browser sessions an API policy lets through without a key.</summary>
public enum SessionAccess
{
    None,

    /// <summary>Anyone, signed in or not: the access rules decide later what they see.</summary>
    Anyone,

    /// <summary>Signed-in admins.</summary>
    Admins,
}

/// <summary>
/// An API policy's one requirement: a key with one of <paramref name="AcceptedScopes"/>, or a session that
/// <paramref name="Sessions"/> admits. <paramref name="Scope"/> and <paramref name="HowToAuthenticate"/> word the refusals.
/// </summary>
public sealed record ApiAccessRequirement(string Scheme, string Scope, IReadOnlyList<string> AcceptedScopes, SessionAccess Sessions, string HowToAuthenticate)
    : IAuthorizationRequirement;

/// <summary>Decides <see cref="ApiAccessRequirement"/> from the claims the schemes set.</summary>
internal sealed class ApiAccessHandler(ViewerClaims claims) : AuthorizationHandler<ApiAccessRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, ApiAccessRequirement requirement)
    {
        var user = context.User;
        if (ApiKeyAuthenticationHandler.IsKey(user))
        {
            if (requirement.AcceptedScopes.Any(scope => user.HasClaim(ApiKeyAuthenticationHandler.ScopeClaim, scope)))
            {
                context.Succeed(requirement);
            }

            return;
        }

        var allowed = requirement.Sessions switch
        {
            // A key that was sent and refused leaves the caller anonymous; it must not pass as one.
            SessionAccess.Anyone => context.Resource is not HttpContext http || (await http.AuthenticateAsync(requirement.Scheme)).Failure is null,
            SessionAccess.Admins => claims.ViewerOf(user).IsAdmin,
            _ => false,
        };
        if (allowed)
        {
            context.Succeed(requirement);
        }
    }
}

/// <summary>
/// Why the API refuses a request: carried to the scheme that writes the answer (<see cref="ApiKeyAuthenticationHandler"/>,
/// the one writer of 401 and 403), as problem details or a COUNTER exception.
/// </summary>
public sealed record ApiRefusal(string Title, string Detail, string? Query = null)
{
    private const string Parameter = "stats-refusal";

    public AuthenticationProperties ToProperties() => new(items: null, parameters: new Dictionary<string, object?> { [Parameter] = this });

    public static ApiRefusal? From(AuthenticationProperties? properties) => properties?.GetParameter<ApiRefusal>(Parameter);

    /// <summary>
    /// The answer when the access rules refuse what a caller asked for: 401 for an anonymous caller (signing in might help),
    /// 403 for a signed-in one or a key, whose <c>query</c> names the refused query when there is one.
    /// </summary>
    public static IResult ByAccessRules(HttpContext http, AccessDecision decision, string detail, string? query)
    {
        var key = ApiKeyAuthenticationHandler.IsKey(http.User);
        string[] scheme = [ApiKeyAuthenticationHandler.KeyOrSessionScheme];
        return decision == AccessDecision.SignInRequired && !key
            ? TypedResults.Challenge(new ApiRefusal(
                "Sign-in required", detail + " Sign in, or send an API key of the 'read' scope as 'Authorization: Bearer <key>'.", query).ToProperties(), scheme)
            : TypedResults.Forbid(new ApiRefusal(
                "Not allowed", detail + " The access rules (Admin → Access rules) do not let " + (key ? "this key" : "your account") + " see it.", query).ToProperties(), scheme);
    }
}

/// <summary>Turns a refused API policy into its scheme's challenge or forbid, with the words of the policy's requirement.</summary>
internal sealed class ApiRefusalResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded || policy.Requirements.OfType<ApiAccessRequirement>().FirstOrDefault() is not { } requirement)
        {
            return _default.HandleAsync(next, context, policy, authorizeResult);
        }

        if (authorizeResult.Challenged)
        {
            return context.ChallengeAsync(requirement.Scheme, new ApiRefusal("An API key is required", requirement.HowToAuthenticate).ToProperties());
        }

        // Only a key or an admin-only policy refuses someone known: the key lacks the scope, or the account is not an admin's.
        var refusal = ApiKeyAuthenticationHandler.IsKey(context.User)
            ? new ApiRefusal("The API key lacks a scope", $"The key '{context.User.Identity?.Name}' does not have the '{requirement.Scope}' scope.")
            : new ApiRefusal("Admins only", "This is for admins: your account is not one.");
        return context.ForbidAsync(requirement.Scheme, refusal.ToProperties());
    }
}
