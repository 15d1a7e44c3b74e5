using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Stats.Core.Access;
using Stats.Dashboard.Access;

namespace Stats.Dashboard.Api;

/// <summary>Who calls the API, for the access rules: a machine with an API key, a signed-in user (the cookie), or anonymous.</summary>
/// <param name="Viewer">Whom the access rules see.</param>
/// <param name="Key">The key, when the caller sent one: a refusal is then a 403, never a 401 (signing in would not help).</param>
public sealed record ApiCaller(StatsViewer Viewer, ApiKeyIdentity? Key)
{
    /// <summary>What the caller is called in logs and audit entries.</summary>
    public string Name => Key is { } key ? $"API key '{key.Name}' ({key.Prefix})" : Viewer.DisplayName ?? Viewer.UserId ?? "anonymous";
}

/// <summary>
/// The API's side of the access rules: who is calling, and the 401 or 403 problem when the one policy refuses. Pages ask the
/// same policy through <see cref="ViewerAccess"/>.
/// </summary>
internal static class ApiAccess
{
    /// <summary>
    /// The caller: a bearer key (a <c>read</c> key reads as its role, an <c>admin</c> key as an admin), else the signed-in user,
    /// else anonymous. A key that is unknown or revoked is a 401; a key without the read or admin scope a 403.
    /// </summary>
    public static async Task<(ApiCaller? Caller, IResult? Problem)> CallerAsync(HttpContext http, ApiKeyService keys, ViewerClaims claims)
    {
        if (PresentedKey(http) is not { } presented)
        {
            return (new ApiCaller(claims.ViewerOf(http.User), null), null);
        }

        var identity = presented.Length == 0 ? null : await keys.VerifyAsync(presented, http.RequestAborted);
        if (identity is null)
        {
            return (null, Unauthorized(http, "The API key is unknown, malformed or revoked."));
        }

        return identity.Viewer is { } viewer
            ? (new ApiCaller(viewer, identity), null)
            : (null, TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "The API key lacks a scope",
                detail: $"The key '{identity.Name}' does not have the '{ApiScopes.Read}' scope."));
    }

    /// <summary>An admin: a signed-in admin user, or a key of the <c>admin</c> scope. Otherwise 401 (nobody) or 403.</summary>
    public static async Task<(ApiCaller? Caller, IResult? Problem)> AdminAsync(HttpContext http, ApiKeyService keys, ViewerClaims claims)
    {
        if (PresentedKey(http) is not null)
        {
            var (identity, denied) = await ApiKeyAuthentication.RequireScopeAsync(http, keys, ApiScopes.Admin);
            return denied is null ? (new ApiCaller(identity!.Viewer!, identity), null) : (null, denied);
        }

        var viewer = claims.ViewerOf(http.User);
        if (viewer.IsAdmin)
        {
            // A signed-in admin's browser sends the cookie with any site's form post: a change must be a JSON request,
            // which another site cannot send without a CORS preflight that this API never grants.
            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && !http.Request.HasJsonContentType())
            {
                return (null, TypedResults.Problem(
                    statusCode: StatusCodes.Status415UnsupportedMediaType,
                    title: "JSON required",
                    detail: "Send the request as 'Content-Type: application/json'."));
            }

            return (new ApiCaller(viewer, null), null);
        }

        return viewer.IsSignedIn
            ? (null, TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Admins only",
                detail: "This is for admins: your account is not one."))
            : (null, Unauthorized(http, "Sign in as an admin, or send an API key of the 'admin' scope as 'Authorization: Bearer <key>'."));
    }

    /// <summary>The answer when the policy refuses: 401 for an anonymous caller, 403 for a signed-in one or a key.</summary>
    public static IResult Refused(HttpContext http, ApiCaller caller, AccessDecision decision, string detail, string? query)
    {
        var extensions = query is null ? null : new Dictionary<string, object?> { ["query"] = query };
        if (decision == AccessDecision.SignInRequired && caller.Key is null)
        {
            http.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer realm=\"stats\"";
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Sign-in required",
                detail: detail + " Sign in, or send an API key of the 'read' scope as 'Authorization: Bearer <key>'.",
                extensions: extensions);
        }

        return TypedResults.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "Not allowed",
            detail: detail + " The access rules (Admin → Access rules) do not let " + (caller.Key is null ? "your account" : "this key") + " see it.",
            extensions: extensions);
    }

    /// <summary>The bearer token sent, empty when the header is there but empty; null without an Authorization header.</summary>
    private static string? PresentedKey(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        return header.Length == 0 ? null
            : header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) ? header[Bearer.Length..].Trim()
            : "";
    }

    private static ProblemHttpResult Unauthorized(HttpContext http, string detail)
    {
        http.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer realm=\"stats\"";
        return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "An API key is required", detail: detail);
    }
}
