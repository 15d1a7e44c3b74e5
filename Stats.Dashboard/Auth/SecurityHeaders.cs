using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Stats.Dashboard.Auth;

/// <summary>
/// The response headers that limit what a page may load and who may frame it, and the middleware that reads the session.
/// The content security policy allows exactly what the dashboard loads: its own scripts and styles (MudBlazor and the
/// charts set inline styles), the import map by a per-request nonce, the Blazor circuit's websocket to the same origin,
/// and form posts to itself and to the identity provider (the sign-out continues there).
/// </summary>
public static class SecurityHeaders
{
    private const string NonceKey = "Stats.CspNonce";

    /// <summary>The nonce of this request's inline script (the import map); null outside a request.</summary>
    public static string? NonceOf(HttpContext? context) => context?.Items[NonceKey] as string;

    /// <summary>The policy of a response, given its script nonce and the <c>frame-ancestors</c> sources.</summary>
    public static string ContentSecurityPolicy(string nonce, string formTargets, string frameAncestors) =>
        "default-src 'self'; " +
        $"script-src 'self' 'nonce-{nonce}'; " +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; " +
        "font-src 'self' data:; " +
        "connect-src 'self'; " +
        "object-src 'none'; " +
        "base-uri 'self'; " +
        $"form-action {formTargets}; " +
        $"frame-ancestors {frameAncestors}";

    /// <summary>
    /// The security headers on every response, then cross-origin requests (answered before authentication: a preflight carries
    /// no credentials), then the cookie policy, authentication and authorization.
    /// </summary>
    public static WebApplication UseStatsSecurity(this WebApplication app)
    {
        var auth = app.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        var oidc = app.Services.GetRequiredService<IOptions<OidcOptions>>().Value;
        var formTargets = oidc.IsConfigured ? $"'self' {new Uri(oidc.Authority!).GetLeftPart(UriPartial.Authority)}" : "'self'";
        var embedAncestors = string.Join(' ', auth.FrameAncestors.Prepend("'self'").Distinct(StringComparer.Ordinal));

        app.Use((context, next) =>
        {
            if (context.Items.ContainsKey(NonceKey))
            {
                // A re-execution (status code page, error page) of a request that already has its headers coming.
                return next(context);
            }

            var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)); // hex: nothing for HTML encoding to change
            context.Items[NonceKey] = nonce;
            var embed = StatsPaths.IsEmbed(context);
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy(nonce, formTargets, embed ? embedAncestors : "'none'");
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
                if (!embed)
                {
                    // For browsers that predate frame-ancestors.
                    headers.XFrameOptions = "DENY";
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
        app.UseCors();
        app.UseCookiePolicy();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
