using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Access;
using Stats.Core.Queries;
using Stats.Dashboard.Api;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Api;

/// <summary>
/// The API's one mapping from exceptions to answers (ApiExceptionHandler), against a PostgreSQL store that refuses every
/// connection: an outage is 503 with Retry-After on every API, never a 500, and anything unexpected is a 500 without a stack trace.
/// </summary>
public sealed class ApiErrorsTests
{
    /// <summary>A well-formed key: it passes the format check, so checking it needs the store.</summary>
    private const string WellFormedKey = "stats_abcdefghij_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static DashboardFactory StoreDown()
    {
        // A port that was just free: nothing listens there, so PostgreSQL "is down".
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new DashboardFactory(new Dictionary<string, string?>
        {
            ["Stats:Database:Provider"] = "PostgreSql",
            ["Stats:Database:ConnectionString"] = $"Host=127.0.0.1;Port={port};Database=stats;Username=stats;Password=stats;Timeout=5",
            ["Stats:Database:MigrateOnStart"] = "false",
            ["Stats:Aggregation:Enabled"] = "false",
        });
    }

    private static async Task AssertStoreUnavailableProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("5", response.Headers.GetValues("Retry-After").Single());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("The store is unavailable", problem.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task StatQueriesWhilePostgreSqlIsDownAre503WithRetryAfter()
    {
        await using var dashboard = StoreDown();
        using var client = dashboard.CreateClient();

        using var response = await client.PostAsync(
            new Uri("/api/stats", UriKind.Relative),
            new StringContent("""{"views": {"stat": "record-view", "params": {"recid": "abcd-1234"}}}""", Encoding.UTF8, "application/json"),
            Cancellation);

        await AssertStoreUnavailableProblemAsync(response);
    }

    [Fact]
    public async Task EventsPostedWhilePostgreSqlIsDownAre503AndTheAnswerSaysNothingWasStored()
    {
        await using var dashboard = StoreDown();
        using var client = dashboard.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", WellFormedKey);

        using var response = await client.PostAsync(
            new Uri("/api/events", UriKind.Relative),
            new StringContent("""[{"type": "record-view", "timestamp": "2024-06-15T13:35:00Z", "recid": "a", "id": "e1"}]""", Encoding.UTF8, "application/json"),
            Cancellation);

        await AssertStoreUnavailableProblemAsync(response);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.StartsWith("No event of this batch was stored.", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SushiWhilePostgreSqlIsDownAnswersCounterException1000With503()
    {
        await using var dashboard = StoreDown();
        using var client = dashboard.CreateClient();

        using var response = await client.GetAsync(new Uri($"/sushi/r51/reports?api_key={WellFormedKey}", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("5", response.Headers.GetValues("Retry-After").Single());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.Equal(1000, body.GetProperty("Code").GetInt32());
    }

    [Fact]
    public async Task HealthzWhilePostgreSqlIsDownIs503UnhealthyNamingTheDatabase()
    {
        await using var dashboard = StoreDown();
        using var client = dashboard.CreateClient();

        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<HealthReport>(Cancellation);
        Assert.NotNull(report);
        Assert.Equal(("unhealthy", false), (report.Status, report.DatabaseReachable));
        var check = Assert.Single(report.Checks);
        Assert.Equal(("database", "unhealthy"), (check.Name, check.Status));
        Assert.False(string.IsNullOrEmpty(check.Cause));
    }

    [Fact]
    public async Task AnUnexpectedFailureIs500ProblemDetailsWithATraceIdAndNoStackTrace()
    {
        await using var dashboard = new DashboardFactory();
        await using var failing = dashboard.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.AddSingleton<IAccessPolicy>(new FailingPolicy(new InvalidOperationException("secret internals: connection string Password=hunter2")))));
        using var client = failing.CreateClient();

        using var response = await client.PostAsync(
            new Uri("/api/stats", UriKind.Relative),
            new StringContent("""{"views": {"stat": "record-view", "params": {"recid": "abcd-1234"}}}""", Encoding.UTF8, "application/json"),
            Cancellation);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(response.Headers.Contains("Retry-After"), "A bug is not fixed by waiting: no Retry-After.");
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.DoesNotContain("hunter2", body, StringComparison.Ordinal);
        Assert.DoesNotContain("FailingPolicy", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
    }

    private sealed class FailingPolicy(Exception failure) : IAccessPolicy
    {
        public Task<AccessDecision> DecideAsync(StatsViewer viewer, StatFamily family, StatTarget target, CancellationToken cancellationToken = default) =>
            Task.FromException<AccessDecision>(failure);
    }
}
