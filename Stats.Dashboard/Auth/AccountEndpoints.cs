using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Stats.Core.Access;
using Stats.Core.Queries;
using Stats.Dashboard.Access;
using Stats.Dashboard.Components.Account;

namespace Stats.Dashboard.Auth;

/// <summary>
/// Signing in and out: <c>GET /account/sign-in?returnUrl=</c> (the provider's login, or in Development without one, the
/// demo-user picker), <c>POST /account/sign-out</c> (a form with an antiforgery token), and <c>GET /account/me</c> (who the
/// session says you are, as the access rules see it).
/// </summary>
public static class AccountEndpoints
{
    public const string SignInPath = "/account/sign-in";
    public const string SignOutPath = "/account/sign-out";
    public const string DevelopmentSignInPath = "/account/dev-sign-in";
    public const string SignInFailedPath = "/account/sign-in-failed";

    public static string SignInFailedHref(string error) => $"{SignInFailedPath}?error={Uri.EscapeDataString(error)}";

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var withProvider = app.ServiceProvider.GetRequiredService<IOptions<OidcOptions>>().Value.IsConfigured;
        var account = app.MapGroup("/account").ExcludeFromDescription();
        if (withProvider)
        {
            account.MapGet("/sign-in", (HttpContext http, string? returnUrl) => http.User.Identity?.IsAuthenticated == true
                ? Results.LocalRedirect(LocalReturnUrl(returnUrl))
                : Results.Challenge(new AuthenticationProperties { RedirectUri = LocalReturnUrl(returnUrl) }, [AuthenticationSetup.OidcScheme]));
        }
        else
        {
            // Only reachable in Development: elsewhere the start fails without a provider (OidcOptions.Validate).
            account.MapGet("/sign-in", (string? returnUrl) =>
                new RazorComponentResult<DevelopmentSignIn>(new { ReturnUrl = LocalReturnUrl(returnUrl) }));
            account.MapPost("/dev-sign-in", DevelopmentSignInAsync);
        }

        account.MapPost("/sign-out", ([FromForm] string? returnUrl) =>
        {
            var properties = new AuthenticationProperties { RedirectUri = LocalReturnUrl(returnUrl) };
            return withProvider
                ? Results.SignOut(properties, [AuthenticationSetup.CookieScheme, AuthenticationSetup.OidcScheme])
                : Results.SignOut(properties, [AuthenticationSetup.CookieScheme]);
        });
        account.MapGet("/me", (HttpContext http, ViewerClaims claims) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            return TypedResults.Ok(claims.ViewerOf(http.User));
        });
        return app;
    }

    /// <summary>
    /// <paramref name="returnUrl"/> when it stays on this site (a path starting with one '/'); otherwise "/". Blocks
    /// <c>https://evil.example</c>, <c>//evil.example</c> and <c>/\evil.example</c> (browsers read both as another host).
    /// </summary>
    public static string LocalReturnUrl(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl) || returnUrl[0] != '/')
        {
            return "/";
        }

        if (returnUrl.Length > 1 && returnUrl[1] is '/' or '\\')
        {
            return "/";
        }

        // Browsers drop tabs and newlines from URLs, so "/\t/evil.example" would become "//evil.example".
        if (returnUrl.Any(char.IsControl))
        {
            return "/";
        }

        // The URL goes into a Location header, which is ASCII: other characters go percent-encoded, as browsers send them.
        return Ascii.IsValid(returnUrl) ? returnUrl : PercentEncodeNonAscii(returnUrl) ?? "/";
    }

    /// <summary>The URL with each non-ASCII character as its UTF-8 bytes, percent-encoded; null when it is not well-formed Unicode.</summary>
    private static string? PercentEncodeNonAscii(string url)
    {
        var encoded = new StringBuilder(url.Length * 2);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < url.Length;)
        {
            if (Rune.DecodeFromUtf16(url.AsSpan(i), out var rune, out var used) != OperationStatus.Done)
            {
                return null;
            }

            if (rune.IsAscii)
            {
                encoded.Append((char)rune.Value);
            }
            else
            {
                foreach (var b in utf8[..rune.EncodeToUtf8(utf8)])
                {
                    encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }
            }

            i += used;
        }

        return encoded.ToString();
    }

    /// <summary>
    /// Where a sign-in ends: the page it started from, except that an owner of records who signed in from the start page lands
    /// on "My statistics", the page they came for.
    /// </summary>
    public static async Task<string> LandingAsync(string returnUrl, string? userId, HttpContext http)
    {
        if (returnUrl != "/" || userId is null)
        {
            return returnUrl;
        }

        var owns = await http.RequestServices.GetRequiredService<UsageStats>().OwnsRecordsAsync(userId, http.RequestAborted);
        return owns ? MyStatisticsPath : returnUrl;
    }

    /// <summary>The owners' page ("My statistics").</summary>
    public const string MyStatisticsPath = "/me";

    private static async Task<Results<RedirectHttpResult, BadRequest<string>>> DevelopmentSignInAsync(
        HttpContext http, [FromForm] string? user, [FromForm] string? returnUrl)
    {
        if (DemoUsers.Find(user) is not { } demo)
        {
            return TypedResults.BadRequest("Pick one of the demo users.");
        }

        await http.SignInAsync(AuthenticationSetup.CookieScheme, ClaimMapper.Canonical(demo.Id, demo.Name, demo.Roles, "development"));
        return TypedResults.LocalRedirect(await LandingAsync(LocalReturnUrl(returnUrl), demo.Id, http));
    }
}
