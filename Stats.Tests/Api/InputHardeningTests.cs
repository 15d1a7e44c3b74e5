using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Access;
using Stats.Core.Data;
using Stats.Dashboard.Api;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Api;

/// <summary>Issue 17: bodies, dates and sizes that used to give 500 or exhaust the server, each answered with a clear refusal.</summary>
public sealed class InputHardeningTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static string View(string recid, string timestamp = "2024-06-15T13:35:00Z") =>
        $$"""{"type": "record-view", "timestamp": "{{timestamp}}", "recid": "{{recid}}"}""";

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static async Task<HttpResponseMessage> PostBytesAsync(HttpClient client, string path, byte[] body, string contentType = "application/json")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await client.PostAsync(new Uri(path, UriKind.Relative), content, Cancellation);
    }

    private static async Task<IngestResponse> IngestAnswerAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<IngestResponse>(Cancellation))!;
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        return document.RootElement.Clone();
    }

    private static async Task<List<string>> StoredRecidsAsync(DashboardFactory dashboard)
    {
        await using var context = await dashboard.Services.GetRequiredService<IDbContextFactory<StatsDbContext>>().CreateDbContextAsync(Cancellation);
        return await context.RawEvents.Join(context.Records, e => e.RecordId, r => r.Id, (_, r) => r.ExternalId).OrderBy(r => r).ToListAsync(Cancellation);
    }

    /// <summary>Bytes of an event whose recid is "a" + <paramref name="middle"/> + "b".</summary>
    private static byte[] ViewWithRawRecid(byte[] middle) =>
        [.. Utf8("""{"type": "record-view", "timestamp": "2024-06-15T13:35:00Z", "recid": "a"""), .. middle, .. Utf8("""b"}""")];

    public static TheoryData<string, byte[]> MalformedUnicode => new()
    {
        { "an escaped lone surrogate", Utf8("\\ud800") },
        { "a raw 0xFF byte", [0xFF] },
        { "an overlong encoding of '/'", [0xC0, 0xAF] },
    };

    [Theory]
    [MemberData(nameof(MalformedUnicode))]
    public async Task MalformedUnicodeInAJsonBatchRejectsThatEventAloneAndStoresTheOthers(string what, byte[] bytes)
    {
        await using var dashboard = new DashboardFactory();
        using var client = await dashboard.CreateClientWithKeyAsync(ApiScopes.Ingest);

        using var response = await PostBytesAsync(client, "/api/events", [.. Utf8($"[{View("good-1")}, "), .. ViewWithRawRecid(bytes), .. Utf8($", {View("good-2")}]")]);

        var rejected = Assert.Single((await IngestAnswerAsync(response)).Rejected);
        Assert.True(
            rejected.Index == 1 && rejected.Errors.SequenceEqual(["field 'recid' is not valid Unicode (malformed UTF-8 or a lone surrogate)"]),
            $"{what}: event {rejected.Index} rejected for {string.Join("; ", rejected.Errors)}");
        Assert.Equal(["good-1", "good-2"], await StoredRecidsAsync(dashboard));
    }

    [Theory]
    [MemberData(nameof(MalformedUnicode))]
    public async Task MalformedUnicodeOnOneNdjsonLineRejectsThatLineAloneAndStoresTheOthers(string what, byte[] bytes)
    {
        await using var dashboard = new DashboardFactory();
        using var client = await dashboard.CreateClientWithKeyAsync(ApiScopes.Ingest);

        using var response = await PostBytesAsync(
            client, "/api/events", [.. Utf8(View("good-1") + "\n"), .. ViewWithRawRecid(bytes), .. Utf8("\n" + View("good-2") + "\n")], "application/x-ndjson");

        var answer = await IngestAnswerAsync(response);
        Assert.True(answer.Accepted == 2 && answer.Rejected.Select(r => r.Index).SequenceEqual([1]), $"{what}: {answer}");
        Assert.Equal(["good-1", "good-2"], await StoredRecidsAsync(dashboard));
    }

    [Theory]
    [MemberData(nameof(MalformedUnicode))]
    public async Task MalformedUnicodeInAStatQueryIsABadRequestSayingSo(string what, byte[] bytes)
    {
        await using var dashboard = new DashboardFactory();
        using var client = dashboard.CreateClient();

        using var response = await PostBytesAsync(
            client, "/api/stats", [.. Utf8("""{"v": {"stat": "record-view", "params": {"recid": "a"""), .. bytes, .. Utf8("\"}}}")]);

        var title = (await ProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("title").GetString();
        Assert.True(title is "The body is not valid UTF-8" or "The body is not valid Unicode", $"{what}: {title}");
    }

    [Fact]
    public async Task AChunkedBodyOverTheLimitIs413LikeOneWithALength()
    {
        await using var dashboard = new DashboardFactory(new Dictionary<string, string?> { ["Stats:Ingestion:MaxBodyBytes"] = "100000" });
        // Kestrel, not the in-memory server: the refusal of a chunked body past the limit is Kestrel's.
        dashboard.UseKestrel(0);
        dashboard.StartServer();
        var key = await dashboard.CreateKeyAsync(ApiScopes.Ingest);
        using var client = dashboard.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var events = string.Join(", ", Enumerable.Range(0, 2000).Select(i => View($"chunked-{i}")));
        var body = Utf8($"[{events}]");
        Assert.True(body.Length > 100_000);

        // A stream of unknown length is sent chunked.
        using var chunked = new StreamContent(new NoLengthStream(body));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync(new Uri("/api/events", UriKind.Relative), chunked, Cancellation);

        await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Empty(await StoredRecidsAsync(dashboard));
    }

    [Fact]
    public async Task AHistogramEndingOnTheLastDayOfTheCalendarAnswersItsBuckets()
    {
        await using var dashboard = new DashboardFactory();
        using var client = dashboard.CreateClient();

        using var days = await client.PostAsync(new Uri("/api/stats", UriKind.Relative), JsonContent.Create(new Dictionary<string, object>
        {
            ["d"] = new { stat = "record-view-histogram", @params = new Dictionary<string, string> { ["recid"] = "x", ["start_date"] = "9999-12-25", ["end_date"] = "9999-12-31" } },
            ["w"] = new { stat = "record-view-histogram", @params = new Dictionary<string, string> { ["recid"] = "x", ["start_date"] = "9999-12-01", ["end_date"] = "9999-12-31", ["interval"] = "week" } },
            ["y"] = new { stat = "repository-histogram", @params = new Dictionary<string, string> { ["start_date"] = "0001-01-01", ["end_date"] = "9999-12-31", ["interval"] = "year" } },
        }), Cancellation);

        Assert.Equal(HttpStatusCode.OK, days.StatusCode);
        using var answer = JsonDocument.Parse(await days.Content.ReadAsStringAsync(Cancellation));
        var dayBuckets = answer.RootElement.GetProperty("d").GetProperty("buckets").EnumerateArray().Select(b => b.GetProperty("date").GetString()).ToList();
        Assert.Equal(7, dayBuckets.Count);
        Assert.Equal("9999-12-31T00:00:00", dayBuckets[^1]);
        Assert.Equal("9999-12-27T00:00:00", answer.RootElement.GetProperty("w").GetProperty("buckets").EnumerateArray().Last().GetProperty("date").GetString());
        Assert.Equal(9999, answer.RootElement.GetProperty("y").GetProperty("buckets").GetArrayLength());
    }

    [Fact]
    public async Task AnEventOfTheCalendarsFirstDayIsRejectedAndTheOthersOfItsBatchStored()
    {
        await using var dashboard = new DashboardFactory();
        using var client = await dashboard.CreateClientWithKeyAsync(ApiScopes.Ingest);

        using var response = await PostBytesAsync(client, "/api/events", Utf8($"[{View("first-day", "0001-01-01T00:00:00Z")}, {View("good")}]"));

        var answer = await IngestAnswerAsync(response);
        Assert.Equal(0, Assert.Single(answer.Rejected).Index);
        Assert.Contains("before 1970-01-01", answer.Rejected[0].Errors[0], StringComparison.Ordinal);
        Assert.Equal(["good"], await StoredRecidsAsync(dashboard));
    }

    [Theory]
    [InlineData("12/01/2026 10:00")]
    [InlineData("Mon, 12 Jan 2026 10:00:00 GMT")]
    [InlineData("2026-01-12")]
    [InlineData("2026-01-12 10:00:00")]
    public async Task TimestampsThatAreNotIso8601DateTimesAreRejected(string timestamp)
    {
        await using var dashboard = new DashboardFactory();
        using var client = await dashboard.CreateClientWithKeyAsync(ApiScopes.Ingest);

        using var response = await PostBytesAsync(client, "/api/events", Utf8($"[{View("not-iso", timestamp)}]"));

        var answer = await IngestAnswerAsync(response);
        Assert.Equal($"field 'timestamp' is not an ISO 8601 date and time: '{timestamp}'", Assert.Single(Assert.Single(answer.Rejected).Errors));
    }

    [Fact]
    public async Task IdsWithControlCharactersOrTooLongAreRejectedAndRealIdsOfAnyScriptAccepted()
    {
        await using var dashboard = new DashboardFactory();
        using var client = await dashboard.CreateClientWithKeyAsync(ApiScopes.Ingest);
        string[] good = ["oai:zenodo.org:1234", "hdl:11304/abc-def_1.2~x", "рекорд-42", "記録/1"];
        string[] bad = ["nul\\u0000id", "ansi\\u001b[31mred", new('x', 129), "space in id"];

        using var response = await PostBytesAsync(client, "/api/events", Utf8($"[{string.Join(", ", good.Concat(bad).Select(r => View(r)))}]"));

        var answer = await IngestAnswerAsync(response);
        Assert.Equal(good.Length, answer.Accepted);
        Assert.Equal([4, 5, 6, 7], answer.Rejected.Select(r => r.Index));
        Assert.All(answer.Rejected, r => Assert.StartsWith("field 'recid' ", Assert.Single(r.Errors), StringComparison.Ordinal));
        Assert.Contains("longer than 128 characters", answer.Rejected[2].Errors[0], StringComparison.Ordinal);
        Assert.Equal(good.Order(StringComparer.Ordinal), await StoredRecidsAsync(dashboard));
    }

    [Fact]
    public async Task MoreQueriesPerCallThanTheLimitIsABadRequestNamingTheLimit()
    {
        await using var dashboard = new DashboardFactory(new Dictionary<string, string?> { ["Stats:Queries:MaxQueriesPerCall"] = "3" });
        using var client = dashboard.CreateClient();
        var query = new { stat = "record-view", @params = new { recid = "a" } };

        using var three = await client.PostAsJsonAsync("/api/stats", new Dictionary<string, object> { ["a"] = query, ["b"] = query, ["c"] = query }, Cancellation);
        using var four = await client.PostAsJsonAsync("/api/stats", new Dictionary<string, object> { ["a"] = query, ["b"] = query, ["c"] = query, ["d"] = query }, Cancellation);

        Assert.Equal(HttpStatusCode.OK, three.StatusCode);
        var problem = await ProblemAsync(four, HttpStatusCode.BadRequest);
        Assert.Contains("Stats:Queries:MaxQueriesPerCall", problem.GetProperty("detail").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHistogramOfMoreBucketsThanTheLimitIsABadRequestNamingTheLimit()
    {
        await using var dashboard = new DashboardFactory(new Dictionary<string, string?> { ["Stats:Queries:MaxHistogramBuckets"] = "10" });
        using var client = dashboard.CreateClient();
        object Histogram(string end) => new { stat = "record-view-histogram", @params = new { recid = "a", start_date = "2026-01-01", end_date = end } };

        using var ten = await client.PostAsJsonAsync("/api/stats", new Dictionary<string, object> { ["h"] = Histogram("2026-01-10") }, Cancellation);
        using var eleven = await client.PostAsJsonAsync("/api/stats", new Dictionary<string, object> { ["h"] = Histogram("2026-01-11") }, Cancellation);

        Assert.Equal(HttpStatusCode.OK, ten.StatusCode);
        var problem = await ProblemAsync(eleven, HttpStatusCode.BadRequest);
        Assert.Contains("Stats:Queries:MaxHistogramBuckets", problem.GetProperty("detail").GetString()!, StringComparison.Ordinal);
        Assert.Equal("h", problem.GetProperty("query").GetString());
    }

    [Fact]
    public async Task AnAnswerLargerThanTheLimitIsRefusedNamingTheLimit()
    {
        await using var dashboard = new DashboardFactory(new Dictionary<string, string?> { ["Stats:Queries:MaxAnswerBytes"] = "65536" });
        using var client = dashboard.CreateClient();
        // Two years of days are about 36 KB of buckets: one fits, three do not.
        object Year() => new { stat = "record-view-histogram", @params = new { recid = "a", start_date = "2024-01-01", end_date = "2025-12-31" } };

        using var one = await client.PostAsJsonAsync("/api/stats", new Dictionary<string, object> { ["a"] = Year() }, Cancellation);
        using var three = await client.PostAsJsonAsync("/api/stats", new Dictionary<string, object> { ["a"] = Year(), ["b"] = Year(), ["c"] = Year() }, Cancellation);

        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.True((await one.Content.ReadAsByteArrayAsync(Cancellation)).Length < 65536);
        var problem = await ProblemAsync(three, HttpStatusCode.BadRequest);
        Assert.Contains("Stats:Queries:MaxAnswerBytes", problem.GetProperty("detail").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStatQueryBodyOverTheLimitIs413()
    {
        await using var dashboard = new DashboardFactory(new Dictionary<string, string?> { ["Stats:Queries:MaxBodyBytes"] = "2000" });
        using var client = dashboard.CreateClient();

        using var response = await PostBytesAsync(client, "/api/stats", Utf8("""{"v": {"stat": "record-view", "params": {"recid": """ + $"\"{new string('x', 2000)}\"}}}}}}"));

        var problem = await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("Stats:Queries:MaxBodyBytes", problem.GetProperty("detail").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AThousandRecordsAreAnsweredByPostWhereTheirUrlWouldBeTooLong()
    {
        await using var dashboard = new DashboardFactory();
        await using (var seed = new AggregateSeed(dashboard.Services.GetRequiredService<IDbContextFactory<StatsDbContext>>()))
        {
            var record = await seed.RecordAsync("post-7");
            await seed.Usage(StatScope.Record, record.Id, new DateOnly(2024, 6, 10), views: 4, uniqueViews: 3).SaveAsync();
        }

        using var client = dashboard.CreateClient();
        var recids = Enumerable.Range(0, 1000).Select(i => $"post-{i}").ToList();

        using var response = await client.PostAsJsonAsync(
            "/api/stats/records", new Dictionary<string, object> { ["recid"] = recids, ["start_date"] = "2024-06-01", ["end_date"] = "2024-06-30" }, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal(1000, answer.RootElement.EnumerateObject().Count());
        Assert.Equal(4, answer.RootElement.GetProperty("post-7").GetProperty("views").GetInt64());
        Assert.Equal(0, answer.RootElement.GetProperty("post-8").GetProperty("views").GetInt64());
    }

    [Theory]
    [InlineData("""[1, 2]""")]
    [InlineData("""{"recid": "a"}""")]
    [InlineData("""{"recid": [{"x": 1}]}""")]
    [InlineData("""{"recid": ["a"], "start_date": 20240101}""")]
    [InlineData("""{"recid": ["a"], "start_date": "01/01/2024"}""")]
    [InlineData("""{"recid": []}""")]
    public async Task APostOfRecordsOfTheWrongShapeIsABadRequest(string body)
    {
        await using var dashboard = new DashboardFactory();
        using var client = dashboard.CreateClient();

        using var response = await PostBytesAsync(client, "/api/stats/records", Utf8(body));

        await ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task SushiAndDsrEndDatesInTheCalendarsLastYearAreRefusedAsInvalidDatesNotErrors()
    {
        await using var dashboard = new DashboardFactory();
        var key = await dashboard.CreateKeyAsync(ApiScopes.Read);
        using var client = dashboard.CreateClient();

        using var sushi = await client.GetAsync(new Uri($"/sushi/r51/reports/pr?customer_id=0000000000000000&begin_date=2024-01&end_date=9999-12&api_key={key}", UriKind.Relative), Cancellation);
        using var dsr = await client.GetAsync(new Uri($"/sushi/rd1/reports/dsr?begin_date=2024-01&end_date=9999-12&api_key={key}", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, sushi.StatusCode);
        using var sushiError = JsonDocument.Parse(await sushi.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal(3020, sushiError.RootElement.GetProperty("Code").GetInt32());
        // A month that is not over: the DSR's own answer for months to come.
        Assert.Equal(HttpStatusCode.BadRequest, dsr.StatusCode);
        using var dsrError = JsonDocument.Parse(await dsr.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal(3031, dsrError.RootElement.GetProperty("code").GetInt32());
    }

    /// <summary>A stream that does not tell its length, so that HttpClient sends it chunked.</summary>
    private sealed class NoLengthStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;
    }
}
