using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Stats.Core.Access;
using Stats.Core.Reports;
using Stats.Dashboard.Access;
using Stats.Dashboard.Api;

namespace Stats.Dashboard.Auth;

/// <summary>Where an API key scheme finds the key, and whom it lets through without one.</summary>
public sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>Without a key the caller is whoever the browser session says (the default scheme): for the APIs people read too.</summary>
    public bool FallsBackToSession { get; set; }

    /// <summary>
    /// COUNTER_SUSHI's way: the key in the <c>api_key</c> (or <c>requestor_id</c>) query parameter instead of the
    /// <c>Authorization</c> header, and refusals as COUNTER exceptions in the endpoint's <see cref="SushiErrorFormat"/>.
    /// </summary>
    public bool KeyInSushiQuery { get; set; }
}

/// <summary>
/// How a SUSHI endpoint writes a COUNTER exception (R5.1's objects, or Make Data Count's lower-case ones): for the key
/// scheme's refusals, the rate limit, and a store outage (COUNTER's 1000 with its 503, as harvesters expect; other
/// failures keep the problem details of <see cref="ApiExceptionHandler"/>).
/// </summary>
public sealed record SushiErrorFormat(Func<CounterError, IResult> Write) : IApiFailureShape
{
    public IResult? Answer(ApiFailure failure) =>
        failure.RetryAfter is not null ? Write(CounterError.ServiceNotAvailable("The usage store is not reachable; try again later.")) : null;

    /// <summary>The format of the request's endpoint; R5.1's by default.</summary>
    public static SushiErrorFormat Of(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<SushiErrorFormat>() ?? new SushiErrorFormat(e => TypedResults.Json(CounterJson.Error(e), statusCode: e.HttpStatus));
}

/// <summary>
/// Machine clients authenticate with an API key (ADR-009): the key's scopes and whom it reads as become claims
/// (<see cref="ScopeClaim"/>, <see cref="ViewerClaims.ReadsAsClaim"/>, the admin role), which the named policies
/// (<see cref="StatsPolicies"/>) and the access rules read. This handler is also the one writer of the API's 401 and 403
/// answers: problem details with <c>WWW-Authenticate: Bearer</c>, or COUNTER exceptions on the SUSHI routes.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<ApiKeyAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyService keys)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, logger, encoder)
{
    /// <summary>A key as <c>Authorization: Bearer</c>, nothing else (ingestion).</summary>
    public const string KeyScheme = "ApiKey";

    /// <summary>A key as <c>Authorization: Bearer</c>, else the browser session (statistics, admin, metrics).</summary>
    public const string KeyOrSessionScheme = "ApiKeyOrSession";

    /// <summary>A key as <c>api_key</c> or <c>requestor_id</c> (COUNTER_SUSHI and Make Data Count).</summary>
    public const string SushiScheme = "SushiKey";

    public const string ScopeClaim = "scope";
    public const string KeyIdClaim = "key_id";
    public const string KeyPrefixClaim = "key_prefix";

    private const string UnknownKey = "The API key is unknown, malformed or revoked.";

    /// <summary>Whether the key came as <c>requestor_id</c>: COUNTER answers a bad one with 2000, a bad <c>api_key</c> with 2020.</summary>
    private bool _keyAsRequestorId;

    /// <summary>Whether <paramref name="user"/> is an API key (rather than a person or nobody).</summary>
    public static bool IsKey(ClaimsPrincipal user) => user.HasClaim(c => c.Type == KeyIdClaim);

    /// <summary>What the caller is called in logs and audit entries.</summary>
    public static string CallerName(ClaimsPrincipal user) =>
        IsKey(user) ? $"API key '{user.FindFirst(ViewerClaims.NameClaim)?.Value}' ({user.FindFirst(KeyPrefixClaim)?.Value})"
        : user.FindFirst(ViewerClaims.NameClaim)?.Value ?? user.FindFirst(ViewerClaims.UserIdClaim)?.Value ?? "anonymous";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Options.KeyInSushiQuery ? SushiKey() : BearerKey();
        if (presented is null)
        {
            return Options.FallsBackToSession ? await SessionAsync() : AuthenticateResult.NoResult();
        }

        var identity = presented.Length == 0 ? null : await keys.VerifyAsync(presented, Context.RequestAborted);
        return identity is null
            ? AuthenticateResult.Fail(_keyAsRequestorId ? "The requestor_id is not a valid API key." : UnknownKey)
            : AuthenticateResult.Success(new AuthenticationTicket(PrincipalOf(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // A bad key is the reason whatever the policy would have said.
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure;
        var refusal = ApiRefusal.From(properties);
        if (Options.KeyInSushiQuery)
        {
            var data = failure?.Message ?? refusal?.Detail;
            await WriteSushiAsync(failure is not null && !_keyAsRequestorId ? CounterError.ApiKeyInvalid(data) : CounterError.RequestorNotAuthorized(data));
            return;
        }

        Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer realm=\"stats\"";
        await WriteProblemAsync(StatusCodes.Status401Unauthorized, failure is not null
            ? new ApiRefusal("An API key is required", failure.Message)
            : refusal ?? new ApiRefusal("An API key is required", "Send an API key as 'Authorization: Bearer <key>'."));
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var refusal = ApiRefusal.From(properties) ?? new ApiRefusal("Not allowed", "The caller may not use this endpoint.");
        if (Options.KeyInSushiQuery)
        {
            // COUNTER has no "forbidden" for a requestor: a key that may not harvest is not authorised (2000, 401).
            await WriteSushiAsync(CounterError.RequestorNotAuthorized(refusal.Detail));
            return;
        }

        await WriteProblemAsync(StatusCodes.Status403Forbidden, refusal);
    }

    /// <summary>The bearer token: null without an <c>Authorization</c> header, empty when the header is not a bearer token.</summary>
    private string? BearerKey()
    {
        var header = Request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        return header.Length == 0 ? null
            : header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) ? header[Bearer.Length..].Trim()
            : "";
    }

    private string? SushiKey()
    {
        var apiKey = Request.Query["api_key"].ToString();
        var requestorId = Request.Query["requestor_id"].ToString();
        _keyAsRequestorId = apiKey.Length == 0 && requestorId.Length > 0;
        var presented = apiKey.Length > 0 ? apiKey : requestorId;
        return presented.Length == 0 ? null : presented;
    }

    /// <summary>The browser session's principal, under this scheme's name, when the default scheme has one.</summary>
    private async Task<AuthenticateResult> SessionAsync()
    {
        var session = await Context.RequestServices.GetRequiredService<IAuthenticationSchemeProvider>().GetDefaultAuthenticateSchemeAsync();
        if (session is null || session.Name == Scheme.Name)
        {
            return AuthenticateResult.NoResult();
        }

        var result = await Context.AuthenticateAsync(session.Name);
        return result.Succeeded ? AuthenticateResult.Success(new AuthenticationTicket(result.Principal, result.Properties, Scheme.Name)) : AuthenticateResult.NoResult();
    }

    /// <summary>The key as claims: its scopes, and whom it reads statistics as (<see cref="ApiKeyIdentity.Viewer"/>, the one rule).</summary>
    private ClaimsPrincipal PrincipalOf(ApiKeyIdentity key)
    {
        var claims = new List<Claim>
        {
            new(KeyIdClaim, key.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(KeyPrefixClaim, key.Prefix),
            new(ViewerClaims.NameClaim, key.Name),
        };
        claims.AddRange(key.Scopes.Select(scope => new Claim(ScopeClaim, scope)));
        if (key.Viewer is { } viewer)
        {
            claims.Add(new Claim(ViewerClaims.ReadsAsClaim, viewer.IsAdmin ? ViewerClaims.ReadsAsAdmin : viewer.IsSignedIn ? ViewerClaims.ReadsAsSignedIn : ViewerClaims.ReadsAsPublic));
            if (viewer.IsAdmin)
            {
                claims.Add(new Claim(ViewerClaims.RoleClaim, ViewerClaims.AdminRole));
            }
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name, ViewerClaims.NameClaim, ViewerClaims.RoleClaim));
    }

    private Task WriteProblemAsync(int status, ApiRefusal refusal) =>
        TypedResults.Problem(
                statusCode: status,
                title: refusal.Title,
                detail: refusal.Detail,
                extensions: refusal.Query is null ? null : new Dictionary<string, object?> { ["query"] = refusal.Query })
            .ExecuteAsync(Context);

    private Task WriteSushiAsync(CounterError error) => SushiErrorFormat.Of(Context).Write(error).ExecuteAsync(Context);
}
