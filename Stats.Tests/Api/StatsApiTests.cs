using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Data;
using Stats.Dashboard.Api;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Api;

public sealed class StatsApiTests(DashboardFactory dashboard) : IClassFixture<DashboardFactory>
{
    private static readonly DateOnly s_jun10 = new(2024, 6, 10);
    private static readonly int[] s_hours = [12, 13, 14, 15];
    private static readonly int[] s_minutes = [10, 20, 30];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private AggregateSeed Seed() => new(dashboard.Services.GetRequiredService<IDbContextFactory<StatsDbContext>>());

    private async Task<(HttpStatusCode Status, string? ContentType, JsonElement Body)> PostAsync(string body)
    {
        using var client = dashboard.CreateClient();
        using var response = await client.PostAsync(new Uri("/api/stats", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"), Cancellation);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await ReadAsync(response));
    }

    private async Task<(HttpStatusCode Status, string? ContentType, JsonElement Body)> GetAsync(string uri)
    {
        using var client = dashboard.CreateClient();
        using var response = await client.GetAsync(new Uri(uri, UriKind.Relative), Cancellation);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await ReadAsync(response));
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task EventsSentInAreCountedTheCounterWayOnceAggregated()
    {
        // invenio-stats' own case: 12 downloads of a 9000-byte file by one logged-in user over four hours, a robot's
        // download, and a version of the same concept viewed in the same session as the first version.
        var downloads = from hour in s_hours
                        from minute in s_minutes
                        select TestEvents.Download("e2e-1", "data.bin", new DateTimeOffset(2024, 6, 15, hour, minute, 0, TimeSpan.Zero), size: 9000, userId: "e2e-user");
        var ingested = await dashboard.Services.GetRequiredService<Stats.Core.Ingestion.EventIngestor>().IngestAsync(
            [
                TestEvents.Published("e2e-1", new DateTimeOffset(2024, 6, 1, 9, 0, 0, TimeSpan.Zero), parentRecid: "e2e-concept"),
                TestEvents.Published("e2e-2", new DateTimeOffset(2024, 6, 2, 9, 0, 0, TimeSpan.Zero), parentRecid: "e2e-concept"),
                .. downloads,
                TestEvents.Download("e2e-1", "data.bin", new DateTimeOffset(2024, 6, 15, 16, 0, 0, TimeSpan.Zero), userAgent: "Googlebot/2.1 (+http://www.google.com/bot.html)"),
                TestEvents.View("e2e-1", new DateTimeOffset(2024, 6, 15, 17, 0, 0, TimeSpan.Zero), sessionId: "e2e-s"),
                TestEvents.View("e2e-2", new DateTimeOffset(2024, 6, 15, 17, 1, 0, TimeSpan.Zero), sessionId: "e2e-s"),
            ],
            Cancellation);
        Assert.Empty(ingested.Rejected);
        var aggregated = await dashboard.Services.GetRequiredService<Stats.Core.Aggregation.AggregationRunner>().RunAsync(Cancellation);
        Assert.Null(aggregated.Error);

        var (status, _, body) = await PostAsync("""
            {"d": {"stat": "record-download", "params": {"recid": "e2e-1"}},
             "v": {"stat": "record-view", "params": {"recid": "e2e-1"}},
             "all": {"stat": "record-view-all-versions", "params": {"parent_recid": "e2e-concept"}}}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        var d = body.GetProperty("d");
        Assert.Equal((12, 4, 108_000L), (d.GetProperty("downloads").GetInt32(), d.GetProperty("unique_downloads").GetInt32(), d.GetProperty("data_volume").GetInt64()));
        Assert.Equal((1, 1), (body.GetProperty("v").GetProperty("views").GetInt32(), body.GetProperty("v").GetProperty("unique_views").GetInt32()));
        var all = body.GetProperty("all");
        Assert.Equal((2, 1), (all.GetProperty("views").GetInt32(), all.GetProperty("unique_views").GetInt32()));
    }

    [Fact]
    public async Task SeveralNamedQueriesAreAnsweredUnderTheirNamesInSnakeCase()
    {
        await using (var seed = Seed())
        {
            var record = await seed.RecordAsync("api-1");
            await seed
                .Usage(StatScope.Record, record.Id, s_jun10, views: 5, uniqueViews: 3, downloads: 2, uniqueDownloads: 1, volume: 9000)
                .Usage(StatScope.Record, record.Id, new DateOnly(2024, 6, 12), views: 1, uniqueViews: 1, method: AccessMethod.Machine)
                .SaveAsync();
        }

        var (status, _, body) = await PostAsync("""
            {
              "v": {"stat": "record-view", "params": {"recid": "api-1"}},
              "d": {"stat": "record-download", "params": {"recid": "api-1", "end_date": "2024-06-10T23:59:59Z"}},
              "h": {"stat": "record-view-histogram", "params": {"recid": "api-1", "start_date": "2024-06-10", "end_date": "2024-06-16", "interval": "week"}},
              "none": {"stat": "record-view", "params": {"recid": "api-unknown"}}
            }
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["v", "d", "h", "none"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("""{"start_date":null,"end_date":null,"recid":"api-1","parent_recid":null,"views":6,"unique_views":4}""", body.GetProperty("v").GetRawText());
        Assert.Equal(
            """{"start_date":null,"end_date":"2024-06-10T00:00:00","recid":"api-1","parent_recid":null,"downloads":2,"unique_downloads":1,"data_volume":9000}""",
            body.GetProperty("d").GetRawText());
        Assert.Equal(
            """{"interval":"week","key_type":"date","start_date":"2024-06-10T00:00:00","end_date":"2024-06-16T00:00:00","buckets":""" +
            """[{"key":1717977600000,"date":"2024-06-10T00:00:00","views":6,"unique_views":4}]}""",
            body.GetProperty("h").GetRawText());
        Assert.Equal("""{"start_date":null,"end_date":null,"recid":"api-unknown","parent_recid":null,"views":0,"unique_views":0}""", body.GetProperty("none").GetRawText());
    }

    [Theory]
    [InlineData("not json", null, "JSON")]
    [InlineData("""[{"stat": "record-view"}]""", null, "object")]
    [InlineData("""{"q1": {"params": {"recid": "a"}}}""", "q1", "\"stat\"")]
    [InlineData("""{"q2": "record-view"}""", "q2", "\"stat\"")]
    [InlineData("""{"ok": {"stat": "repository-summary"}, "q3": {"stat": "record-clicks"}}""", "q3", "'record-clicks'")]
    [InlineData("""{"q4": {"stat": "record-view", "params": {"recid": "a", "start_date": "10/06/2024"}}}""", "q4", "'start_date'")]
    [InlineData("""{"q5": {"stat": "record-view-histogram", "params": {"recid": "a", "interval": "hour"}}}""", "q5", "'interval'")]
    [InlineData("""{"q6": {"stat": "record-view", "params": {}}}""", "q6", "'recid'")]
    [InlineData("""{"q7": {"stat": "record-view", "params": ["a"]}}""", "q7", "\"params\"")]
    [InlineData("""{"q8": {"stat": "record-view", "params": {"recid": "a", "start_date": "2024-06-02", "end_date": "2024-06-01"}}}""", "q8", "after")]
    public async Task AnInvalidQueryIsA400ProblemThatNamesIt(string body, string? query, string mentions)
    {
        var (status, contentType, problem) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains(mentions, detail, StringComparison.Ordinal);
        if (query is not null)
        {
            Assert.StartsWith($"Query '{query}':", detail, StringComparison.Ordinal);
            Assert.Equal(query, problem.GetProperty("query").GetString());
        }
    }

    [Fact]
    public async Task GetListsEveryStatWithItsParametersAndDescription()
    {
        var (status, _, body) = await GetAsync("/api/stats");

        Assert.Equal(HttpStatusCode.OK, status);
        var recordView = body.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "record-view");
        Assert.False(string.IsNullOrWhiteSpace(recordView.GetProperty("description").GetString()));
        var parameters = recordView.GetProperty("parameters").EnumerateArray().ToList();
        Assert.Equal(["recid", "start_date", "end_date", "access_method"], parameters.Select(p => p.GetProperty("name").GetString()));
        Assert.True(parameters[0].GetProperty("required").GetBoolean());
        Assert.False(parameters[1].GetProperty("required").GetBoolean());
        Assert.Contains(body.EnumerateArray(), s => s.GetProperty("name").GetString() == "sipstore-summary");
    }

    [Fact]
    public async Task TheRecordsBatchAnswersEveryIdAndZerosForThoseWithoutData()
    {
        await using (var seed = Seed())
        {
            var a = await seed.RecordAsync("batch-a");
            var b = await seed.RecordAsync("batch-b");
            await seed
                .Usage(StatScope.Record, a.Id, s_jun10, views: 7, uniqueViews: 5, downloads: 3, uniqueDownloads: 2, volume: 3_000)
                .Usage(StatScope.Record, a.Id, new DateOnly(2024, 6, 11), views: 1, uniqueViews: 1, method: AccessMethod.Machine)
                .Usage(StatScope.Record, b.Id, new DateOnly(2024, 6, 11), views: 2, uniqueViews: 2)
                .SaveAsync();
        }

        var (status, _, body) = await GetAsync("/api/stats/records?recid=batch-a&recid=batch-b&recid=batch-none");
        var (_, _, firstDay) = await GetAsync("/api/stats/records?recid=batch-a&recid=batch-b&end_date=2024-06-10");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"views":8,"unique_views":6,"downloads":3,"unique_downloads":2,"data_volume":3000}""", body.GetProperty("batch-a").GetRawText());
        Assert.Equal("""{"views":2,"unique_views":2,"downloads":0,"unique_downloads":0,"data_volume":0}""", body.GetProperty("batch-b").GetRawText());
        Assert.Equal("""{"views":0,"unique_views":0,"downloads":0,"unique_downloads":0,"data_volume":0}""", body.GetProperty("batch-none").GetRawText());
        Assert.Equal(7, firstDay.GetProperty("batch-a").GetProperty("views").GetInt32());
        Assert.Equal(0, firstDay.GetProperty("batch-b").GetProperty("views").GetInt32());
    }

    [Fact]
    public async Task TheRecordsBatchTakesAThousandIdsButNotMore()
    {
        var thousand = string.Join("&", Enumerable.Range(0, StatsApi.MaxRecordIds).Select(i => $"recid=many-{i}"));

        var (okStatus, _, ok) = await GetAsync($"/api/stats/records?{thousand}");
        var (status, contentType, problem) = await GetAsync($"/api/stats/records?{thousand}&recid=one-more");

        Assert.Equal(HttpStatusCode.OK, okStatus);
        Assert.Equal(StatsApi.MaxRecordIds, ok.EnumerateObject().Count());
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Contains("1,001", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/stats/records", "recid")]
    [InlineData("/api/stats/records?recid=a&start_date=June", "'start_date'")]
    public async Task ABadRecordsBatchIsA400Problem(string uri, string mentions)
    {
        var (status, contentType, problem) = await GetAsync(uri);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Contains(mentions, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusedQueryRefusesTheWholeCallAndNamesIt()
    {
        var (status, contentType, problem) = await PostAsync("""
            {"v": {"stat": "record-view", "params": {"recid": "api-1"}},
             "loans": {"stat": "circulation-summary"}}
            """);
        using var admin = await dashboard.CreateClientWithKeyAsync(Stats.Core.Access.ApiScopes.Admin);
        using var allowed = await admin.PostAsync(
            new Uri("/api/stats", UriKind.Relative), new StringContent("""{"loans": {"stat": "circulation-summary"}}""", Encoding.UTF8, "application/json"), Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal("loans", problem.GetProperty("query").GetString());
        Assert.StartsWith("Query 'loans':", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task TheRecordsBatchIsRefusedWhenOneRecordsUsageIsNotVisible()
    {
        var rules = dashboard.Services.GetRequiredService<Stats.Core.Access.AccessRuleStore>();
        await rules.SetAsync(Stats.Core.Access.RuleTarget.Record("batch-secret"), Stats.Core.Access.StatFamily.Usage, Stats.Core.Access.Audience.AdminsOnly, "test", Cancellation);
        try
        {
            var (status, _, problem) = await GetAsync("/api/stats/records?recid=batch-open&recid=batch-secret");
            var (openStatus, _, _) = await GetAsync("/api/stats/records?recid=batch-open");

            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.Contains("'batch-secret'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, openStatus);
        }
        finally
        {
            await rules.SetAsync(Stats.Core.Access.RuleTarget.Record("batch-secret"), Stats.Core.Access.StatFamily.Usage, null, "test", Cancellation);
        }
    }
}
