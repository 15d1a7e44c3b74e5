using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Auth;

/// <summary>What every response tells the browser: what the page may load, who may frame it, no sniffing; and no login redirects for machines.</summary>
public sealed class SecurityHeadersTests : IAsyncLifetime
{
    private readonly DashboardFactory _factory = new(new Dictionary<string, string?>
    {
        ["Stats:Auth:FrameAncestors:0"] = "https://repo.example.org",
        ["Stats:Auth:FrameAncestors:1"] = "https://*.example.net",
    });

    private WebApplicationFactory<Program> _app = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _factory.InitializeAsync();
        // Something that asks for a signed-in user, on an API path and on a page path: the cookie handler's challenge.
        _app = _factory.WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, ChallengeProbe>()));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task PageAllowsOnlyWhatTheDashboardLoadsAndCannotBeFramed()
    {
        using var client = NewClient();

        using var response = await client.GetAsync("/", Cancellation);
        var html = await response.Content.ReadAsStringAsync(Cancellation);
        var csp = Directives(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("'self'", csp["default-src"]);
        var nonce = Assert.Single(csp["script-src"].Split(' '), s => s.StartsWith("'nonce-", StringComparison.Ordinal))[7..^1];
        Assert.Equal("'self' 'nonce-" + nonce + "'", csp["script-src"]);
        Assert.Contains($"<script type=\"importmap\" nonce=\"{nonce}\"", html, StringComparison.Ordinal);
        Assert.Equal("'self' 'unsafe-inline'", csp["style-src"]);
        Assert.Equal("'self'", csp["connect-src"]);
        Assert.Equal("'none'", csp["object-src"]);
        Assert.Equal("'self'", csp["form-action"]);
        Assert.Equal("'none'", csp["frame-ancestors"]);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("same-origin", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task EachResponseHasANonceOfItsOwn()
    {
        using var client = NewClient();

        using var first = await client.GetAsync("/", Cancellation);
        using var second = await client.GetAsync("/", Cancellation);

        Assert.NotEqual(Directives(first)["script-src"], Directives(second)["script-src"]);
    }

    [Fact]
    public async Task EmbedMayBeFramedByTheConfiguredSitesOnly()
    {
        using var client = NewClient();

        using var response = await client.GetAsync("/embed/records/abcd-1234", Cancellation);

        Assert.Equal("'self' https://repo.example.org https://*.example.net", Directives(response)["frame-ancestors"]);
        Assert.False(response.Headers.Contains("X-Frame-Options"));
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task ApiAnswersWithNosniff()
    {
        using var client = NewClient();

        using var response = await client.GetAsync("/api/stats", Cancellation);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("'none'", Directives(response)["frame-ancestors"]);
    }

    [Theory]
    [InlineData("/api/probe-challenge")]
    [InlineData("/sushi/probe-challenge")]
    [InlineData("/metrics/probe-challenge")]
    public async Task UnauthenticatedMachineRequestIsA401ProblemNotARedirect(string path)
    {
        using var client = NewClient();

        using var response = await client.GetAsync(path, Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task UnauthenticatedPageRequestGoesToSignInAndBack()
    {
        using var client = NewClient();

        using var response = await client.GetAsync("/probe-challenge?x=1", Cancellation);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/sign-in?returnUrl=%2Fprobe-challenge%3Fx%3D1", response.Headers.Location?.PathAndQuery);
    }

    private HttpClient NewClient() => _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private static Dictionary<string, string> Directives(HttpResponseMessage response) =>
        response.Headers.GetValues("Content-Security-Policy").Single()
            .Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(d => d.Split(' ', 2))
            .ToDictionary(d => d[0], d => d.Length > 1 ? d[1] : "", StringComparer.Ordinal);

    /// <summary>Challenges (as an endpoint that requires a signed-in user would) on any path ending in <c>/probe-challenge</c>.</summary>
    private sealed class ChallengeProbe : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, proceed) =>
            {
                if (context.Request.Path.Value?.EndsWith("/probe-challenge", StringComparison.Ordinal) == true)
                {
                    await context.ChallengeAsync();
                    return;
                }

                await proceed(context);
            });
            next(app);
        };
    }
}
