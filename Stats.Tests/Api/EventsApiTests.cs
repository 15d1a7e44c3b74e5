using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Stats.Core.Access;
using Stats.Core.Data;
using Stats.Dashboard.Api;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Api;

public sealed class EventsApiTests
{
    private const string RawIp = "188.184.21.108";
    private const string RawUserAgent = "Mozilla/5.0 (X11; Linux x86_64) DistinctiveAgent/97.3";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static string View(string recid, string timestamp = "2024-06-15T13:35:00Z", string? id = null) =>
        $$"""{"type": "record-view", "timestamp": "{{timestamp}}", "recid": "{{recid}}", "ip_address": "{{RawIp}}", "user_agent": "{{RawUserAgent}}"{{(id is null ? "" : $", \"id\": \"{id}\"")}}}""";

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string body, string contentType = "application/json") =>
        client.PostAsync(new Uri("/api/events", UriKind.Relative), new StringContent(body, Encoding.UTF8, contentType), Cancellation);

    private static async Task<int> StoredEventsAsync(DashboardFactory dashboard)
    {
        await using var context = await dashboard.Services.GetRequiredService<IDbContextFactory<StatsDbContext>>().CreateDbContextAsync(Cancellation);
        return await context.RawEvents.CountAsync(Cancellation);
    }

    [Fact]
    public async Task ValidEventsAreStoredAndEachBadOneIsReportedByItsIndex()
    {
        await using var dashboard = new DashboardFactory();
        using var client = await dashboard.CreateClientWithKeyAsync(ApiScopes.Ingest);

        using var response = await PostAsync(client, $$"""
            [{{View("a")}},
             {"type": "file-download", "timestamp": "2024-06-15T13:35:00Z", "recid": "a"},
             {"type": "record-view", "timestamp": "2024-06-15T13:35:00Z", "recid": "b", "via_api": "yes"},
             {{View("b")}}]
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<IngestResponse>(Cancellation);
        Assert.NotNull(body);
        Assert.Equal((2, 0), (body.Accepted, body.Duplicates));
        Assert.Equal([1, 2], body.Rejected.Select(r => r.Index));
        Assert.Equal(["field 'file_key' is required"], body.Rejected[0].Errors);
        Assert.Equal(["field 'via_api' must be true or false"], body.Rejected[1].Errors);
        Assert.Equal(2, await StoredEventsAsync(dashboard));
    }

    [Fact]
    public async Task NdjsonBatchesAreAccepted()
    {
        await using var dashboard = new DashboardFactory();
        using var client = await dashboard.CreateClientWithKeyAsync(ApiScopes.Ingest);

        using var response = await PostAsync(client, View("a") + "\n" + View("b") + "\n\n" + View("c") + "\n", "application/x-ndjson");

        var body = await response.Content.ReadFromJsonAsync<IngestResponse>(Cancellation);
        Assert.Equal(3, body!.Accepted);
        Assert.Equal(3, await StoredEventsAsync(dashboard));
    }

    [Fact]
    public async Task ResendingEventsWithIdsCountsThemAsDuplicates()
    {
        await using var dashboard = new DashboardFactory();
        using var client = await dashboard.CreateClientWithKeyAsync(ApiScopes.Ingest);
        var batch = $"[{View("a", id: "e1")}, {View("a", "2024-06-15T13:36:00Z", id: "e2")}, {View("a")}]";

        using var first = await PostAsync(client, batch);
        using var retry = await PostAsync(client, batch);
        using var overlapping = await PostAsync(client, $"[{View("a", "2024-06-15T13:36:00Z", id: "e2")}, {View("a", "2024-06-15T13:37:00Z", id: "e3")}, {View("a", "2024-06-15T13:37:00Z", id: "e3")}]");

        Assert.Equal((3, 0), await CountsAsync(first));
        // The event without an id cannot be recognised, so a retry stores it again; those with ids are not doubled.
        Assert.Equal((1, 2), await CountsAsync(retry));
        Assert.Equal((1, 2), await CountsAsync(overlapping));
        Assert.Equal(5, await StoredEventsAsync(dashboard));
    }

    [Fact]
    public async Task ABodyThatIsNotJsonIsABadRequestAndStoresNothing()
    {
        await using var dashboard = new DashboardFactory();
        using var client = await dashboard.CreateClientWithKeyAsync(ApiScopes.Ingest);

        using var response = await PostAsync(client, $"[{View("a")}, {{\"type\": ");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("not valid JSON", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.Equal(0, await StoredEventsAsync(dashboard));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task ABodyOfAnotherContentTypeIsABadRequestWithProblemDetails(string contentType)
    {
        await using var dashboard = new DashboardFactory();
        using var client = await dashboard.CreateClientWithKeyAsync(ApiScopes.Ingest);

        using var response = await PostAsync(client, "hello", contentType);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task WithoutAValidKeyTheAnswerIs401AndWithoutTheIngestScope403()
    {
        await using var dashboard = new DashboardFactory();
        using var anonymous = dashboard.CreateClient();
        using var wrong = dashboard.CreateClient();
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "stats_abcdefghij_not-the-secret");
        using var reader = await dashboard.CreateClientWithKeyAsync(ApiScopes.Read);

        using var noKey = await PostAsync(anonymous, $"[{View("a")}]");
        using var wrongKey = await PostAsync(wrong, $"[{View("a")}]");
        using var noScope = await PostAsync(reader, $"[{View("a")}]");

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal("Bearer", noKey.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, noScope.StatusCode);
        Assert.Equal("application/problem+json", noScope.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await StoredEventsAsync(dashboard));
    }

    [Fact]
    public async Task ARevokedKeyIsRefused()
    {
        await using var dashboard = new DashboardFactory();
        var keys = dashboard.Services.GetRequiredService<ApiKeyService>();
        var (info, key) = await keys.CreateAsync("soon revoked", [ApiScopes.Ingest], Cancellation);
        using var client = dashboard.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        using var before = await PostAsync(client, $"[{View("a")}]");
        await keys.RevokeAsync(info.Prefix, Cancellation);
        using var after = await PostAsync(client, $"[{View("a")}]");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task BatchesOverTheSizeOrEventLimitAre413()
    {
        await using var dashboard = new DashboardFactory(new Dictionary<string, string?>
        {
            ["Stats:Ingestion:MaxBodyBytes"] = "2000",
            ["Stats:Ingestion:MaxEvents"] = "3",
        });
        using var client = await dashboard.CreateClientWithKeyAsync(ApiScopes.Ingest);

        using var tooManyEvents = await PostAsync(client, $"[{View("a")}, {View("b")}, {View("c")}, {View("d")}]");
        using var tooManyBytes = await PostAsync(client, $"[{View(new string('x', 2000))}]");
        using var fine = await PostAsync(client, $"[{View("a")}, {View("b")}, {View("c")}]");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooManyEvents.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooManyBytes.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
        Assert.Equal(3, await StoredEventsAsync(dashboard));
    }

    [Fact]
    public async Task AnUnavailableStoreIs503WithRetryAfterAndAcknowledgesNothing()
    {
        // The store waits one second for a lock, not the default thirty.
        using var folder = new TempFolder();
        var connectionString = $"Data Source={folder.Combine("stats.db")};Default Timeout=1";
        await using var dashboard = new DashboardFactory(new Dictionary<string, string?> { ["Stats:Database:ConnectionString"] = connectionString });
        using var client = await dashboard.CreateClientWithKeyAsync(ApiScopes.Ingest);

        // Another process holds the write lock for longer than the store waits: the store is unavailable.
        await using (var blocker = new SqliteConnection(connectionString))
        {
            await blocker.OpenAsync(Cancellation);
            await using var exclusive = blocker.CreateCommand();
            exclusive.CommandText = "BEGIN EXCLUSIVE";
            await exclusive.ExecuteNonQueryAsync(Cancellation);

            using var response = await PostAsync(client, $"[{View("a", id: "e1")}]");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("5", response.Headers.GetValues("Retry-After").Single());
            exclusive.CommandText = "ROLLBACK";
            await exclusive.ExecuteNonQueryAsync(Cancellation);
        }

        Assert.Equal(0, await StoredEventsAsync(dashboard));
        using var retry = await PostAsync(client, $"[{View("a", id: "e1")}]");
        Assert.Equal((1, 0), await CountsAsync(retry));
    }

    [Fact]
    public async Task TheRawAddressAndUserAgentAreNowhereInTheDatabaseFilesAfterAnIngest()
    {
        await using var dashboard = new DashboardFactory();
        using var client = await dashboard.CreateClientWithKeyAsync(ApiScopes.Ingest);

        using var response = await PostAsync(client, $"[{View("a")}, {View("b")}]");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var files = await StoreFiles.ReadAllAsync(Path.GetDirectoryName(dashboard.DatabasePath)!);
        Assert.Contains(files.Keys, f => f.EndsWith("stats.db", StringComparison.Ordinal));
        foreach (var (file, bytes) in files)
        {
            Assert.False(Contains(bytes, RawIp), $"{Path.GetFileName(file)} holds the raw IP address");
            Assert.False(Contains(bytes, "DistinctiveAgent"), $"{Path.GetFileName(file)} holds the raw user agent");
        }
    }

    [Fact]
    public async Task TheRawAddressAndUserAgentAppearInNoLogLineEvenAtTraceLevel()
    {
        var logs = new LogCollector();
        await using var dashboard = new DashboardFactory(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Trace",
        });
        await using var logged = dashboard.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs)));
        var (_, key) = await logged.Services.GetRequiredService<ApiKeyService>().CreateAsync("test", [ApiScopes.Ingest], Cancellation);
        using var client = logged.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        // Accepted, rejected and malformed batches all go through the logging of the host, EF Core and the product.
        using var accepted = await PostAsync(client, $"[{View("a", id: "e1")}, {View("a", id: "e1")}]");
        using var rejected = await PostAsync(client, $$"""[{"type": "file-download", "timestamp": "2024-06-15T13:35:00Z", "ip_address": "{{RawIp}}", "user_agent": "{{RawUserAgent}}"}]""");
        using var malformed = await PostAsync(client, $$"""[{"ip_address": "{{RawIp}}", "user_agent": "{{RawUserAgent}}" """);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains(logs.Lines, l => l.Contains("RawEvents", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains(RawIp, StringComparison.Ordinal) || l.Contains("DistinctiveAgent", StringComparison.Ordinal));
        Assert.DoesNotContain(RawIp, await malformed.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    private static async Task<(int Accepted, int Duplicates)> CountsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<IngestResponse>(Cancellation);
        return (body!.Accepted, body.Duplicates);
    }

    private static bool Contains(byte[] haystack, string needle) =>
        haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0 || haystack.AsSpan().IndexOf(Encoding.Unicode.GetBytes(needle)) >= 0;
}
