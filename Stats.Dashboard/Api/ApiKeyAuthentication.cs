using Microsoft.Net.Http.Headers;
using Stats.Core.Access;

namespace Stats.Dashboard.Api;

/// <summary>Machine clients (the repository platform) authenticate with <c>Authorization: Bearer &lt;API key&gt;</c>.</summary>
internal static class ApiKeyAuthentication
{
    /// <summary>The key's identity when it has <paramref name="scope"/>; otherwise the 401 or 403 problem to answer with.</summary>
    public static async Task<(ApiKeyIdentity? Identity, IResult? Problem)> RequireScopeAsync(HttpContext http, ApiKeyService keys, string scope)
    {
        var header = http.Request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        var presented = header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) ? header[Bearer.Length..].Trim() : null;
        var identity = string.IsNullOrEmpty(presented) ? null : await keys.VerifyAsync(presented, http.RequestAborted);
        if (identity is null)
        {
            http.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer realm=\"stats\"";
            return (null, TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "An API key is required",
                detail: string.IsNullOrEmpty(presented)
                    ? "Send the key as 'Authorization: Bearer <key>'. Admins create keys in the Admin page or with the 'apikey create' verb."
                    : "The API key is unknown, malformed or revoked."));
        }

        if (!identity.Scopes.Contains(scope))
        {
            return (null, TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "The API key lacks a scope",
                detail: $"The key '{identity.Name}' does not have the '{scope}' scope."));
        }

        return (identity, null);
    }
}
