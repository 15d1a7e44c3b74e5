using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Stats.Dashboard.Auth;

/// <summary>
/// Keeps an OpenID Connect session's tokens fresh (the cookie handler has no notion of them): shortly before the access
/// token expires, the refresh token buys new ones; a refused refresh ends the session, so that a user the provider has
/// disabled loses access within one access-token lifetime.
/// </summary>
public sealed class TokenRefresher(IOptionsMonitor<OpenIdConnectOptions> oidcOptions, ClaimMapper mapper, TimeProvider clock, ILogger<TokenRefresher> logger)
{
    private static readonly TimeSpan s_margin = TimeSpan.FromMinutes(1);

    public async Task ValidateOrRefreshAsync(CookieValidatePrincipalContext context)
    {
        if (!DateTimeOffset.TryParse(context.Properties.GetTokenValue("expires_at"), CultureInfo.InvariantCulture, DateTimeStyles.None, out var expiresAt))
        {
            return;
        }

        var now = clock.GetUtcNow();
        if (now + s_margin < expiresAt)
        {
            return;
        }

        var refreshToken = context.Properties.GetTokenValue("refresh_token");
        if (string.IsNullOrEmpty(refreshToken))
        {
            await EndAsync(context);
            return;
        }

        var options = oidcOptions.Get(AuthenticationSetup.OidcScheme);
        var cancellation = context.HttpContext.RequestAborted;
        OpenIdConnectConfiguration configuration;
        string answer;
        try
        {
            configuration = await options.ConfigurationManager!.GetConfigurationAsync(cancellation);
            using var response = await options.Backchannel.PostAsync(configuration.TokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string?>
            {
                ["grant_type"] = "refresh_token",
                ["client_id"] = options.ClientId,
                ["client_secret"] = options.ClientSecret,
                ["refresh_token"] = refreshToken,
            }), cancellation);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogInformation("The provider refused to refresh the tokens ({Status}): the session ends.", (int)response.StatusCode);
                await EndAsync(context);
                return;
            }

            answer = await response.Content.ReadAsStringAsync(cancellation);
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException && !cancellation.IsCancellationRequested)
        {
            // The provider is unreachable: the session goes on (the dashboard calls nothing with the access token) and
            // the next request tries again; only the provider's refusal ends it.
            logger.LogWarning(ex, "The tokens could not be refreshed: the provider did not answer.");
            return;
        }

        var message = new OpenIdConnectMessage(answer);
        if (!string.IsNullOrEmpty(message.IdToken))
        {
            // A new id token is checked like the first one (signature, issuer, audience, lifetime), and its claims mapped again.
            var parameters = options.TokenValidationParameters.Clone();
            parameters.ValidIssuer = configuration.Issuer;
            parameters.ValidAudience = options.ClientId;
            parameters.IssuerSigningKeys = configuration.SigningKeys;
            var validation = await options.TokenHandler.ValidateTokenAsync(message.IdToken, parameters);
            if (!validation.IsValid || mapper.Map(new(validation.ClaimsIdentity), AuthenticationSetup.OidcScheme) is not { } principal)
            {
                logger.LogWarning(validation.Exception, "The refreshed id token is not valid: the session ends.");
                await EndAsync(context);
                return;
            }

            context.ReplacePrincipal(principal);
        }

        var lifetime = int.TryParse(message.ExpiresIn, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) ? seconds : 300;
        context.Properties.StoreTokens(
        [
            new AuthenticationToken { Name = "access_token", Value = message.AccessToken },
            new AuthenticationToken { Name = "id_token", Value = string.IsNullOrEmpty(message.IdToken) ? context.Properties.GetTokenValue("id_token") ?? "" : message.IdToken },
            new AuthenticationToken { Name = "refresh_token", Value = string.IsNullOrEmpty(message.RefreshToken) ? refreshToken : message.RefreshToken },
            new AuthenticationToken { Name = "token_type", Value = message.TokenType ?? "Bearer" },
            new AuthenticationToken { Name = "expires_at", Value = (now + TimeSpan.FromSeconds(lifetime)).ToString("o", CultureInfo.InvariantCulture) },
        ]);
        context.ShouldRenew = true;
    }

    // This request is anonymous, and the cookie goes, so that the next ones do not ask the provider again.
    private static async Task EndAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(AuthenticationSetup.CookieScheme);
    }
}
