using System.Net;
using System.Text;
using Stats.Dashboard.Api;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Api;

/// <summary>Cross-origin reads (<c>Stats:Api:CorsOrigins</c>): the read API for the origins listed, nothing else for anyone.</summary>
public sealed class ReadApiCorsTests(ReadApiCorsTests.CorsDashboard cors) : IClassFixture<ReadApiCorsTests.CorsDashboard>
{
    private const string Listed = "https://repo.example.org";
    private const string Other = "https://evil.example.net";
    private const string Query = """{"v": {"stat": "record-view", "params": {"recid": "cors-1"}}}""";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>A dashboard whose read API two origins may call: one exact, one on a port of its own.</summary>
    public sealed class CorsDashboard : IAsyncLifetime
    {
        public DashboardFactory Dashboard { get; } = new(new Dictionary<string, string?>
        {
            ["Stats:Api:CorsOrigins:0"] = Listed,
            ["Stats:Api:CorsOrigins:1"] = "http://localhost:8080",
        });

        public ValueTask InitializeAsync() => Dashboard.InitializeAsync();

        public ValueTask DisposeAsync() => Dashboard.DisposeAsync();
    }

    [Theory]
    [InlineData("/api/stats", "POST")]
    [InlineData("/api/stats", "GET")]
    [InlineData("/api/stats/records", "GET")]
    [InlineData("/api/stats/records", "POST")]
    public async Task APreflightFromAListedOriginAllowsTheReadApiWithAJsonBodyAndNoCredentials(string path, string method)
    {
        using var response = await PreflightAsync(cors.Dashboard, path, Listed, method);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(Listed, Single(response, "Access-Control-Allow-Origin"));
        Assert.Contains(method, Single(response, "Access-Control-Allow-Methods")!.Split(','), StringComparer.Ordinal);
        Assert.Equal("content-type", Single(response, "Access-Control-Allow-Headers")!.ToLowerInvariant());
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task AnOriginIsListedWithItsSchemeAndPort()
    {
        using var port = await PreflightAsync(cors.Dashboard, "/api/stats", "http://localhost:8080", "POST");
        using var otherPort = await PreflightAsync(cors.Dashboard, "/api/stats", "http://localhost:8081", "POST");
        using var otherScheme = await PreflightAsync(cors.Dashboard, "/api/stats", "http://repo.example.org", "POST");

        Assert.Equal("http://localhost:8080", Single(port, "Access-Control-Allow-Origin"));
        Assert.False(otherPort.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(otherScheme.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task AReadFromAListedOriginCarriesItsOriginBackAndNoCredentialsAllowance()
    {
        using var client = cors.Dashboard.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/stats") { Content = new StringContent(Query, Encoding.UTF8, "application/json") };
        request.Headers.Add("Origin", Listed);

        using var response = await client.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Listed, Single(response, "Access-Control-Allow-Origin"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
        // The security headers stay on cross-origin answers.
        Assert.Equal("nosniff", Single(response, "X-Content-Type-Options"));
    }

    [Fact]
    public async Task AnOriginNotListedGetsNoAllowanceSoTheBrowserRefusesIt()
    {
        using var preflight = await PreflightAsync(cors.Dashboard, "/api/stats", Other, "POST");
        using var client = cors.Dashboard.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/stats") { Content = new StringContent(Query, Encoding.UTF8, "application/json") };
        request.Headers.Add("Origin", Other);
        using var read = await client.SendAsync(request, Cancellation);

        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(read.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task APreflightAskingToSendCredentialsOrAnApiKeyIsNotAllowed()
    {
        using var response = await PreflightAsync(cors.Dashboard, "/api/stats", Listed, "POST", "content-type, authorization");

        var allowed = Single(response, "Access-Control-Allow-Headers") ?? "";
        Assert.DoesNotContain("authorization", allowed.ToLowerInvariant(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Theory]
    [InlineData("/api/events", "POST")]
    [InlineData("/api/admin/pipeline", "GET")]
    [InlineData("/api/admin/erase-user", "POST")]
    [InlineData("/account/me", "GET")]
    [InlineData("/account/sign-out", "POST")]
    [InlineData("/sushi/r51/status", "GET")]
    [InlineData("/sushi/r51/reports/pr", "GET")]
    [InlineData("/sushi/rd1/reports/dsr", "GET")]
    [InlineData("/metrics", "GET")]
    public async Task NoOtherEndpointIsOpenToAListedOrigin(string path, string method)
    {
        using var preflight = await PreflightAsync(cors.Dashboard, path, Listed, method);
        using var client = cors.Dashboard.CreateClient(new() { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Add("Origin", Listed);
        using var actual = await client.SendAsync(request, Cancellation);

        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"), $"{method} {path}: preflight {(int)preflight.StatusCode}");
        Assert.False(actual.Headers.Contains("Access-Control-Allow-Origin"), $"{method} {path}: {(int)actual.StatusCode}");
    }

    [Fact]
    public async Task WithoutTheSettingNoOriginIsAllowed()
    {
        await using var dashboard = new DashboardFactory();
        await dashboard.InitializeAsync();

        using var response = await PreflightAsync(dashboard, "/api/stats", Listed, "POST");

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("https://repo.example.org", true)]
    [InlineData("http://localhost:5173", true)]
    [InlineData("*", true)]
    [InlineData("https://repo.example.org/", false)]
    [InlineData("https://repo.example.org/stats", false)]
    [InlineData("repo.example.org", false)]
    [InlineData("https://*.example.org", false)]
    [InlineData("null", false)]
    public void AnOriginSettingIsASchemeAHostAndAPortOrAStar(string origin, bool valid)
    {
        var errors = new ApiOptions { CorsOrigins = [origin] }.Validate();

        Assert.Equal(valid, errors.Count == 0);
        Assert.All(errors, e => Assert.StartsWith("Stats:Api:CorsOrigins", e, StringComparison.Ordinal));
    }

    private static async Task<HttpResponseMessage> PreflightAsync(DashboardFactory dashboard, string path, string origin, string method, string headers = "content-type")
    {
        using var client = dashboard.CreateClient(new() { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return await client.SendAsync(request, Cancellation);
    }

    private static string? Single(HttpResponseMessage response, string header) =>
        response.Headers.TryGetValues(header, out var values) || response.Content.Headers.TryGetValues(header, out values) ? string.Join(",", values) : null;
}
