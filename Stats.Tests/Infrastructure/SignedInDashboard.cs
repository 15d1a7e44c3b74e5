using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stats.Core.Access;
using Stats.Dashboard.Access;

namespace Stats.Tests.Infrastructure;

/// <summary>
/// Who a test request is: the canonical claims the sign-in produces (<see cref="ViewerClaims"/>), sent in a header that only the
/// test authentication scheme reads. <see cref="Anonymous"/> sends nothing.
/// </summary>
public sealed record TestViewer(string Label, string? UserId, params string[] Roles)
{
    public static TestViewer Anonymous { get; } = new("anonymous", null);

    /// <summary>The header's value: <c>sub|role,role</c>.</summary>
    public string? Header => UserId is null ? null : $"{UserId}|{string.Join(',', Roles)}";

    public override string ToString() => Label;
}

/// <summary>
/// The dashboard with a test authentication scheme as the default one: a request's <see cref="TestSignIn.HeaderName"/> header
/// signs it in with canonical claims, whatever sign-in the product has (or has not yet). Its own SQLite file, like
/// <see cref="DashboardFactory"/>.
/// </summary>
public sealed class SignedInDashboard : IAsyncLifetime
{
    private readonly DashboardFactory _inner;
    private readonly WebApplicationFactory<Program> _factory;

    /// <summary>An event type added by configuration, so that the <c>events</c> stats have one to count.</summary>
    public const string ConfiguredEventType = "page-printed";

    public SignedInDashboard()
        : this(new Dictionary<string, string?> { ["Stats:Events:Types:0:Name"] = ConfiguredEventType })
    {
    }

    internal SignedInDashboard(IReadOnlyDictionary<string, string?> settings)
    {
        _inner = new DashboardFactory(settings);
        _factory = _inner.WithWebHostBuilder(builder => builder.ConfigureTestServices(TestSignIn.Register));
    }

    public IServiceProvider Services => _factory.Services;

    public string DatabasePath => _inner.DatabasePath;

    /// <summary>A client whose requests are <paramref name="viewer"/>'s.</summary>
    public HttpClient CreateClient(TestViewer? viewer = null)
    {
        var client = _factory.CreateClient();
        if (viewer?.Header is { } header)
        {
            client.DefaultRequestHeaders.Add(TestSignIn.HeaderName, header);
        }

        return client;
    }

    /// <summary>A client that sends a new key as <c>Authorization: Bearer</c>.</summary>
    public async Task<(HttpClient Client, string Key)> CreateClientWithKeyAsync(ApiKeyRole readsAs, params string[] scopes)
    {
        var (_, key) = await Services.GetRequiredService<ApiKeyService>().CreateAsync("test", scopes, readsAs, TestContext.Current.CancellationToken);
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return (client, key);
    }

    public ValueTask InitializeAsync()
    {
        _ = _factory.Server;
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _inner.DisposeAsync();
    }
}

/// <summary>The test authentication scheme: canonical claims from a request header.</summary>
public static class TestSignIn
{
    public const string Scheme = "Test";
    public const string HeaderName = "X-Test-Viewer";

    public static void Register(IServiceCollection services)
    {
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, Handler>(Scheme, _ => { });
        services.PostConfigure<AuthenticationOptions>(options =>
        {
            options.DefaultScheme = Scheme;
            options.DefaultAuthenticateScheme = Scheme;
            options.DefaultChallengeScheme = Scheme;
        });
    }

    private sealed class Handler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var header = Request.Headers[HeaderName].ToString();
            if (header.Length == 0)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var (userId, roles) = header.Split('|', 2) is [var id, var list] ? (id, list) : (header, "");
            var claims = new List<Claim> { new(ViewerClaims.UserIdClaim, userId), new(ViewerClaims.NameClaim, userId) };
            claims.AddRange(roles.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => new Claim(ViewerClaims.RoleClaim, r)));
            var identity = new ClaimsIdentity(claims, TestSignIn.Scheme, ViewerClaims.NameClaim, ViewerClaims.RoleClaim);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), TestSignIn.Scheme)));
        }
    }
}
