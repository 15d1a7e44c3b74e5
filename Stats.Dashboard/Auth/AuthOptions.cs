using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Stats.Dashboard.Auth;

/// <summary>The <c>Stats:Auth</c> settings that do not depend on the identity provider: the session and the embeds' framing.</summary>
public sealed partial class AuthOptions
{
    public const string SectionName = "Stats:Auth";

    /// <summary>
    /// Who may frame the <c>/embed/...</c> pages (CSP <c>frame-ancestors</c> sources: origins such as
    /// <c>https://repo.example.org</c>, <c>https://*.example.org</c>, or <c>'self'</c>). Empty: only the dashboard itself.
    /// Every other page may never be framed.
    /// </summary>
    public List<string> FrameAncestors { get; set; } = [];

    /// <summary>How long a sign-in lasts without activity (the cookie slides while the user is active).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>What is wrong with these settings, one sentence per problem, each naming its setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        foreach (var source in FrameAncestors)
        {
            if (!FrameSourcePattern().IsMatch(source))
            {
                errors.Add($"{SectionName}:FrameAncestors has '{source}', but each entry must be an origin (https://repo.example.org, https://*.example.org) or 'self'.");
            }
        }

        if (SessionLifetime <= TimeSpan.Zero)
        {
            errors.Add($"{SectionName}:SessionLifetime must be positive (e.g. 08:00:00).");
        }

        return errors;
    }

    // An origin (scheme, host with an optional leading wildcard, optional port) or 'self': nothing that could end the directive.
    [GeneratedRegex(@"^('self'|https?://(\*\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?)$")]
    private static partial Regex FrameSourcePattern();
}

/// <summary>
/// The <c>Stats:Auth:Oidc</c> settings: the OpenID Connect provider users sign in with (authorization code flow with PKCE).
/// Without an <see cref="Authority"/>, the dashboard only starts in Development, with a demo-user sign-in.
/// </summary>
public sealed class OidcOptions
{
    public const string SectionName = "Stats:Auth:Oidc";

    /// <summary>The provider's issuer URL (its <c>/.well-known/openid-configuration</c> lives below it).</summary>
    public string? Authority { get; set; }

    /// <summary>The dashboard's client id at the provider.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret: from the environment (<c>Stats__Auth__Oidc__ClientSecret</c>) or user secrets, never a committed file. Empty for a public client.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// The scopes asked for besides <c>openid</c>; empty means <see cref="DefaultScopes"/> (the configuration binder appends
    /// to a non-empty list, so the defaults cannot be the initial value).
    /// </summary>
    public List<string> Scopes { get; set; } = [];

    public static IReadOnlyList<string> DefaultScopes { get; } = ["profile"];

    /// <summary>The scopes in force: <c>openid</c>, then the configured ones or the defaults.</summary>
    public IReadOnlyList<string> EffectiveScopes => [.. (Scopes.Count > 0 ? Scopes : DefaultScopes).Prepend("openid").Distinct(StringComparer.Ordinal)];

    /// <summary>Ask for a refresh token (<c>offline_access</c>) and renew the tokens when the access token expires.</summary>
    public bool RefreshTokens { get; set; } = true;

    /// <summary>Fetch the claims from the userinfo endpoint as well as the id token (for providers whose id tokens are thin).</summary>
    public bool GetClaimsFromUserInfoEndpoint { get; set; }

    /// <summary>Only a provider on a loopback address (a test or a local Keycloak) may be reached over plain HTTP.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Where the provider sends the user back; register <c>{dashboard}/signin-oidc</c> at the provider.</summary>
    public string CallbackPath { get; set; } = "/signin-oidc";

    /// <summary>Where the provider sends the user after signing out; register <c>{dashboard}/signout-callback-oidc</c>.</summary>
    public string SignedOutCallbackPath { get; set; } = "/signout-callback-oidc";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Authority);

    /// <summary>What is wrong with these settings, one sentence per problem, each naming its setting.</summary>
    public IReadOnlyList<string> Validate(bool isDevelopment)
    {
        var errors = new List<string>();
        if (!IsConfigured)
        {
            if (!isDevelopment)
            {
                errors.Add($"{SectionName}:Authority is not set: outside Development users must sign in with an OpenID Connect provider (README, \"Sign-in\").");
            }

            return errors;
        }

        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
        {
            errors.Add($"{SectionName}:Authority is '{Authority}', but it must be an absolute https URL (the provider's issuer).");
            return errors;
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            errors.Add($"{SectionName}:ClientId is not set: register the dashboard as a client at the provider.");
        }

        var loopback = IsLoopback(authority);
        if (!RequireHttpsMetadata && !loopback)
        {
            errors.Add($"{SectionName}:RequireHttpsMetadata may only be false for a provider on a loopback address, not {authority.Host}.");
        }

        if (authority.Scheme == "http" && (RequireHttpsMetadata || !loopback))
        {
            errors.Add($"{SectionName}:Authority '{Authority}' is plain HTTP: use https (plain HTTP only on loopback with RequireHttpsMetadata false).");
        }

        foreach (var (name, path) in new[] { (nameof(CallbackPath), CallbackPath), (nameof(SignedOutCallbackPath), SignedOutCallbackPath) })
        {
            if (!path.StartsWith('/') || path.StartsWith("//", StringComparison.Ordinal))
            {
                errors.Add($"{SectionName}:{name} is '{path}', but it must be a path starting with '/'.");
            }
        }

        return errors;
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}

/// <summary>
/// The <c>Stats:Auth:Claims</c> settings: how the provider's claims become the dashboard's own (<c>sub</c>, <c>name</c>,
/// <c>role</c> = <c>admin</c> or <c>curator:&lt;community&gt;</c>), which the access rules read.
/// </summary>
public sealed class ClaimMappingOptions
{
    public const string SectionName = "Stats:Auth:Claims";

    /// <summary>The placeholder of <see cref="CuratorPattern"/>.</summary>
    public const string CommunityPlaceholder = "{community}";

    /// <summary>The claim that holds the user id, matched against the records' owner ids in the catalog.</summary>
    public string UserId { get; set; } = "sub";

    /// <summary>The claim that holds the name shown in the dashboard (falls back to <c>preferred_username</c>, then <c>email</c>).</summary>
    public string Name { get; set; } = "name";

    /// <summary>The claim that carries roles or groups (one claim per value, or a JSON array): <c>groups</c>, <c>roles</c>, ...</summary>
    public string Roles { get; set; } = "groups";

    /// <summary>The role or group values that make a user an administrator (e.g. <c>stats-admins</c>); empty: nobody is, by claims.</summary>
    public List<string> AdminValues { get; set; } = [];

    /// <summary>
    /// How a role or group names a curated community: <c>{community}</c> stands for the community's external id, e.g.
    /// <c>curators-{community}</c> (or <c>/curators-{community}</c> for Keycloak's full group paths). Empty: nobody curates.
    /// </summary>
    public string CuratorPattern { get; set; } = "curators-{community}";

    /// <summary>What is wrong with these settings, one sentence per problem, each naming its setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        foreach (var (name, value) in new[] { (nameof(UserId), UserId), (nameof(Name), Name), (nameof(Roles), Roles) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add($"{SectionName}:{name} must name a claim.");
            }
        }

        if (CuratorPattern.Length > 0 && CountOf(CuratorPattern, CommunityPlaceholder) != 1)
        {
            errors.Add($"{SectionName}:CuratorPattern is '{CuratorPattern}', but it must hold {CommunityPlaceholder} exactly once (e.g. curators-{CommunityPlaceholder}).");
        }

        return errors;
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}

/// <summary>Fails the start on a wrong <c>Stats:Auth</c> setting, with a message that names it.</summary>
internal sealed class AuthOptionsValidator(IHostEnvironment environment) :
    IValidateOptions<AuthOptions>, IValidateOptions<OidcOptions>, IValidateOptions<ClaimMappingOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options) => Result(options.Validate());

    public ValidateOptionsResult Validate(string? name, OidcOptions options) => Result(options.Validate(environment.IsDevelopment()));

    public ValidateOptionsResult Validate(string? name, ClaimMappingOptions options) => Result(options.Validate());

    private static ValidateOptionsResult Result(IReadOnlyList<string> errors) =>
        errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
}
