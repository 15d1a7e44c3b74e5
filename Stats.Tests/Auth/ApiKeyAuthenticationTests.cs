using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Access;
using Stats.Dashboard.Auth;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Auth;

/// <summary>API keys through the authentication handler and the named policies (<see cref="StatsPolicies"/>).</summary>
public sealed class ApiKeyAuthenticationTests(SignedInDashboard dashboard) : IClassFixture<SignedInDashboard>
{
    private static readonly TestViewer s_admin = new("admin", "keys-admin", "admin");

    private static readonly string[] s_machinePrefixes = ["/api", "/sushi", "/metrics"];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(HttpClient client, HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = Json(body);
        }

        var response = await client.SendAsync(request, Cancellation);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        return (response.StatusCode, document.RootElement.Clone(), response);
    }

    [Fact]
    public void EveryApiSushiAndMetricsEndpointRequiresANamedPolicyOrSaysThatItIsPublic()
    {
        var policies = new[] { StatsPolicies.Ingest, StatsPolicies.Read, StatsPolicies.Admin, StatsPolicies.SushiHarvest };
        var endpoints = dashboard.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && s_machinePrefixes.Any(p => ("/" + raw.TrimStart('/')).StartsWith(p, StringComparison.Ordinal)))
            .ToList();

        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, endpoint => Assert.True(
            endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null
            || endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => policies.Contains(a.Policy)),
            $"{endpoint.RoutePattern.RawText} names no policy of StatsPolicies and is not marked public"));
    }

    [Fact]
    public void TheHandWrittenKeyCheckersAreGone()
    {
        var types = typeof(Program).Assembly.GetTypes().Select(t => t.Name).ToHashSet(StringComparer.Ordinal);

        Assert.DoesNotContain("ApiKeyAuthentication", types);
        Assert.DoesNotContain("ApiAccess", types);
        Assert.DoesNotContain("SushiAuthentication", types);
    }

    [Fact]
    public async Task AKeyWithoutThePolicysScopeIsRefusedWith403NamingTheScope()
    {
        var (read, _) = await dashboard.CreateClientWithKeyAsync(ApiKeyRole.SignedIn, ApiScopes.Read);
        var (ingest, _) = await dashboard.CreateClientWithKeyAsync(ApiKeyRole.SignedIn, ApiScopes.Ingest);
        using (read)
        using (ingest)
        {
            var events = await SendAsync(read, HttpMethod.Post, "/api/events", "[]");
            var stats = await SendAsync(ingest, HttpMethod.Post, "/api/stats", "{}");
            var admin = await SendAsync(read, HttpMethod.Get, "/api/admin/pipeline");

            Assert.Equal(
                [(HttpStatusCode.Forbidden, "ingest"), (HttpStatusCode.Forbidden, "read"), (HttpStatusCode.Forbidden, "admin")],
                new[] { events, stats, admin }.Select(r => (r.Status, ScopeNamed(r.Body))));
            Assert.All([events, stats, admin], r => Assert.Equal("The API key lacks a scope", r.Body.GetProperty("title").GetString()));
        }

        static string? ScopeNamed(JsonElement problem) =>
            problem.GetProperty("detail").GetString() is { } detail && detail.Split('\'') is { Length: >= 4 } parts ? parts[3] : null;
    }

    [Fact]
    public async Task ARevokedKeyIsRefusedAtOnceWith401AndABearerChallengeOnEveryPolicy()
    {
        var keys = dashboard.Services.GetRequiredService<ApiKeyService>();
        var (info, key) = await keys.CreateAsync("revoked", [ApiScopes.Ingest, ApiScopes.Read, ApiScopes.Admin], Cancellation);
        using var client = dashboard.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var before = await SendAsync(client, HttpMethod.Get, "/api/admin/pipeline");

        await keys.RevokeAsync(info.Prefix, Cancellation);
        var answers = new[]
        {
            await SendAsync(client, HttpMethod.Post, "/api/events", "[]"),
            await SendAsync(client, HttpMethod.Post, "/api/stats", "{}"),
            await SendAsync(client, HttpMethod.Get, "/api/admin/pipeline"),
        };

        Assert.Equal(HttpStatusCode.OK, before.Status);
        Assert.All(answers, answer =>
        {
            Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
            Assert.Equal("The API key is unknown, malformed or revoked.", answer.Body.GetProperty("detail").GetString());
            Assert.Equal("Bearer", Assert.Single(answer.Response.Headers.WwwAuthenticate).Scheme);
        });
    }

    [Fact]
    public async Task WithAKeyTheKeyDecidesNotTheSignedInSessionBesideIt()
    {
        var (client, _) = await dashboard.CreateClientWithKeyAsync(ApiKeyRole.SignedIn, ApiScopes.Read);
        using (client)
        {
            client.DefaultRequestHeaders.Add(TestSignIn.HeaderName, s_admin.Header);

            var withKey = await SendAsync(client, HttpMethod.Get, "/api/admin/pipeline");
            using var admin = dashboard.CreateClient(s_admin);
            var sessionOnly = await SendAsync(admin, HttpMethod.Get, "/api/admin/pipeline");

            Assert.Equal(HttpStatusCode.Forbidden, withKey.Status);
            Assert.Equal(HttpStatusCode.OK, sessionOnly.Status);
        }
    }

    [Fact]
    public async Task AnonymousCallersGetTheIngestPoliciesOwnWordsAndASignedInOneIsNoBetterWithoutAKey()
    {
        using var anonymous = dashboard.CreateClient();
        using var admin = dashboard.CreateClient(s_admin);

        var nobody = await SendAsync(anonymous, HttpMethod.Post, "/api/events", "[]");
        var session = await SendAsync(admin, HttpMethod.Post, "/api/events", "[]");

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (nobody.Status, session.Status));
        Assert.Equal("An API key is required", nobody.Body.GetProperty("title").GetString());
        Assert.StartsWith("Send the key as 'Authorization: Bearer <key>'.", nobody.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
