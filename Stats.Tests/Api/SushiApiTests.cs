using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Access;
using Stats.Core.Aggregation;
using Stats.Core.Data;
using Stats.Core.Ingestion;
using Stats.Core.Reports;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Api;

public sealed class SushiApiTests(DashboardFactory dashboard) : IClassFixture<DashboardFactory>
{
    private const string World = SushiOptions.WorldCustomerId;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private async Task<string> KeyAsync(params string[] scopes) =>
        (await dashboard.Services.GetRequiredService<ApiKeyService>().CreateAsync("harvester", scopes, Cancellation)).Key;

    private static async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> GetAsync(DashboardFactory factory, string uri)
    {
        using var client = factory.CreateClient();
        var response = await client.GetAsync(new Uri(uri, UriKind.Relative), Cancellation);
        var text = await response.Content.ReadAsStringAsync(Cancellation);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType == "application/json" ? JsonNode.Parse(text) : JsonValue.Create(text), response);
    }

    private Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> GetAsync(string uri) => GetAsync(dashboard, uri);

    private static void AssertException(JsonNode? body, int code)
    {
        Assert.Equal(code, body!["Code"]!.GetValue<int>());
        Assert.Empty(CounterSchema.Errors($"Exception_{code}", body));
    }

    [Fact]
    public async Task TheStatusIsPublicAndValid()
    {
        var (status, body, _) = await GetAsync("/sushi/r51/status");

        Assert.Equal(HttpStatusCode.OK, status);
        var entry = Assert.Single(body!.AsArray());
        Assert.True(entry!["Service_Active"]!.GetValue<bool>());
        Assert.Empty(CounterSchema.Errors("Status", entry));
    }

    [Fact]
    public async Task WithoutAKeyTheAnswerIs2000AndWithAWrongOne2020BothUnauthorised()
    {
        var none = await GetAsync($"/sushi/r51/reports/pr?customer_id={World}&begin_date=2024-01&end_date=2024-01");
        var wrong = await GetAsync($"/sushi/r51/reports/pr?customer_id={World}&begin_date=2024-01&end_date=2024-01&api_key=stats_abcdefghij_nope");

        Assert.Equal(HttpStatusCode.Unauthorized, none.Status);
        AssertException(none.Body, 2000);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        AssertException(wrong.Body, 2020);
    }

    [Fact]
    public async Task AnIngestKeyMayNotReadReportsButAReadKeyMayAlsoAsRequestorId()
    {
        var ingest = await KeyAsync(ApiScopes.Ingest);
        var read = await KeyAsync(ApiScopes.Read);

        var refused = await GetAsync($"/sushi/r51/members?api_key={ingest}");
        var allowed = await GetAsync($"/sushi/r51/members?requestor_id={read}");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        AssertException(refused.Body, 2000);
        Assert.Equal(HttpStatusCode.OK, allowed.Status);
    }

    [Fact]
    public async Task TheWorldIsTheMemberAndTheReportListNamesTheReportsWithTheirPaths()
    {
        var key = await KeyAsync(ApiScopes.Read);

        var members = await GetAsync($"/sushi/r51/members?api_key={key}");
        var reports = await GetAsync($"/sushi/r51/reports?customer_id={World}&api_key={key}");

        var member = Assert.Single(members.Body!.AsArray());
        Assert.Equal(World, member!["Customer_ID"]!.GetValue<string>());
        Assert.Empty(CounterSchema.Errors("Member", member));
        var list = reports.Body!.AsArray();
        Assert.Contains(list, r => r!["Report_ID"]!.GetValue<string>() == "IR" && r["Path"]!.GetValue<string>() == "/sushi/r51/reports/ir");
        Assert.All(list, r => Assert.Empty(CounterSchema.Errors("Report", r)));
    }

    [Fact]
    public async Task FatalErrorsAreCounterExceptionsWithTheirHttpStatus()
    {
        var key = await KeyAsync(ApiScopes.Read);

        var noCustomer = await GetAsync($"/sushi/r51/reports/ir?begin_date=2024-01&end_date=2024-02&api_key={key}");
        var badDate = await GetAsync($"/sushi/r51/reports/ir?customer_id={World}&begin_date=2024-1-x&end_date=2024-02&api_key={key}");
        var reversed = await GetAsync($"/sushi/r51/reports/pr?customer_id={World}&begin_date=2024-05&end_date=2024-02&api_key={key}");
        var stranger = await GetAsync($"/sushi/r51/reports/pr?customer_id=somebody&begin_date=2024-01&end_date=2024-02&api_key={key}");

        Assert.Equal(HttpStatusCode.BadRequest, noCustomer.Status);
        AssertException(noCustomer.Body, 1030);
        Assert.Equal(HttpStatusCode.BadRequest, badDate.Status);
        AssertException(badDate.Body, 3020);
        Assert.Equal(HttpStatusCode.BadRequest, reversed.Status);
        AssertException(reversed.Body, 3020);
        Assert.Equal(HttpStatusCode.Forbidden, stranger.Status);
        AssertException(stranger.Body, 2010);
    }

    [Fact]
    public async Task AnUnknownParameterOrFilterValueIsReportedInTheHeaderOfAValidReport()
    {
        var key = await KeyAsync(ApiScopes.Read);

        var (status, body, _) = await GetAsync($"/sushi/r51/reports/pr?customer_id={World}&begin_date=2019-01&end_date=2019-02&api_key={key}&colour=blue&data_type=Dataset%7CNovel");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(CounterSchema.Errors("PR", body));
        var codes = body!["Report_Header"]!["Exceptions"]!.AsArray().Select(e => e!["Code"]!.GetValue<int>());
        Assert.Equal([3050, 3060, 3030], codes);
    }

    [Fact]
    public async Task TooManyRequestsFromOneKeyAre1020WithRetryAfter()
    {
        await using var limited = new DashboardFactory(new Dictionary<string, string?> { ["Stats:Sushi:RequestsPerMinute"] = "2" });
        await limited.InitializeAsync();
        var key = (await limited.Services.GetRequiredService<ApiKeyService>().CreateAsync("greedy", [ApiScopes.Read], Cancellation)).Key;

        var answers = new List<HttpStatusCode>();
        (HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response) last = default;
        for (var i = 0; i < 3; i++)
        {
            last = await GetAsync(limited, $"/sushi/r51/members?api_key={key}");
            answers.Add(last.Status);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], answers);
        AssertException(last.Body, 1020);
        Assert.NotNull(last.Response?.Headers.RetryAfter);
    }

    [Fact]
    public async Task AHarvesterPagesThroughTwoYearsMonthByMonthWithoutAServerError()
    {
        // A key per report, so that 24 months of three reports stay under the default limit of 60 requests a minute per key.
        var keys = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["pr"] = await KeyAsync(ApiScopes.Read),
            ["pr_p1"] = await KeyAsync(ApiScopes.Read),
            ["ir"] = await KeyAsync(ApiScopes.Read),
        };
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var first = new DateOnly(today.Year, today.Month, 1).AddMonths(-23);
        // Usage on the 10th of every other month of the two years, as records of both access rights.
        var events = new List<IncomingEvent>
        {
            TestEvents.Published("harvest-open", new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), accessRight: "open"),
            TestEvents.Published("harvest-closed", new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero), accessRight: "closed"),
        };
        for (var month = 0; month < 23; month += 2)
        {
            var day = first.AddMonths(month).AddDays(9).ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc);
            events.Add(TestEvents.Download("harvest-open", "a.pdf", new DateTimeOffset(day), sessionId: $"h-{month}"));
            events.Add(TestEvents.View("harvest-closed", new DateTimeOffset(day).AddMinutes(1), sessionId: $"h-{month}"));
        }

        var ingested = await dashboard.Services.GetRequiredService<EventIngestor>().IngestAsync([.. events], Cancellation);
        Assert.Empty(ingested.Rejected);
        await AggregateEverythingAsync();

        var withUsage = 0;
        for (var month = first; month <= new DateOnly(today.Year, today.Month, 1); month = month.AddMonths(1))
        {
            var period = month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
            foreach (var (report, key) in keys)
            {
                var (status, body, _) = await GetAsync($"/sushi/r51/reports/{report}?customer_id={World}&begin_date={period}&end_date={period}&api_key={key}");

                Assert.Equal(HttpStatusCode.OK, status);
                Assert.Empty(CounterSchema.Errors(report.ToUpperInvariant(), body));
                withUsage += body!["Report_Items"]!.AsArray().Count > 0 && report == "ir" ? 1 : 0;
            }
        }

        // Every other month of the 23 complete ones had usage; the current month has none and is not ready anyway.
        Assert.Equal(12, withUsage);
    }

    [Fact]
    public async Task TheTabularFormIsServedWithFormatTsv()
    {
        var key = await KeyAsync(ApiScopes.Read);

        using var client = dashboard.CreateClient();
        using var response = await client.GetAsync(new Uri($"/sushi/r51/reports/ir?customer_id={World}&begin_date=2019-01&end_date=2019-03&api_key={key}&format=tsv", UriKind.Relative), Cancellation);
        var lines = (await response.Content.ReadAsStringAsync(Cancellation)).Split('\n');

        Assert.Equal("text/tab-separated-values", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Report_Name\tItem Report", lines[0]);
        Assert.StartsWith("Exceptions\t3030: No Usage Available for Requested Dates", lines[8], StringComparison.Ordinal);
        Assert.Equal("Item\tPublisher\tPublisher_ID\tPlatform\tDOI\tProprietary_ID\tISBN\tPrint_ISSN\tOnline_ISSN\tURI\tData_Type\tMetric_Type\tReporting_Period_Total\tJan-2019\tFeb-2019\tMar-2019", lines[14]);
    }

    [Fact]
    public async Task AHarvesterGetsNoUsageOfACommunityOrRecordTheAccessRulesCloseToItsKeyInItemsOrPlatformTotals()
    {
        var march = new DateTimeOffset(2022, 3, 10, 12, 0, 0, TimeSpan.Zero);
        var ingested = await dashboard.Services.GetRequiredService<EventIngestor>().IngestAsync(
        [
            TestEvents.Published("sushi-rules-open", march.AddMonths(-1), communities: ["sushi-rules-public"]),
            TestEvents.Published("sushi-rules-staff", march.AddMonths(-1), communities: ["sushi-rules-staff"]),
            TestEvents.Published("sushi-rules-own", march.AddMonths(-1), communities: ["sushi-rules-public"]),
            // Views in separate sessions: one of the open record, two of the staff community's, three of the record with its own rule.
            TestEvents.View("sushi-rules-open", march, sessionId: "r-1"),
            TestEvents.View("sushi-rules-staff", march, sessionId: "r-2"),
            TestEvents.View("sushi-rules-staff", march, sessionId: "r-3"),
            TestEvents.View("sushi-rules-own", march, sessionId: "r-4"),
            TestEvents.View("sushi-rules-own", march, sessionId: "r-5"),
            TestEvents.View("sushi-rules-own", march, sessionId: "r-6"),
        ], Cancellation);
        Assert.Empty(ingested.Rejected);
        await AggregateEverythingAsync();
        var rules = dashboard.Services.GetRequiredService<AccessRuleStore>();
        await rules.SetAsync(RuleTarget.Community("sushi-rules-staff"), StatFamily.Usage, Audience.AdminsOnly, "test", Cancellation);
        await rules.SetAsync(RuleTarget.Record("sushi-rules-own"), StatFamily.Usage, Audience.Owners, "test", Cancellation);
        var keys = dashboard.Services.GetRequiredService<ApiKeyService>();
        var harvester = (await keys.CreateAsync("harvester", [ApiScopes.Read], ApiKeyRole.SignedIn, Cancellation)).Key;
        var admin = (await keys.CreateAsync("harvester-admin", [ApiScopes.Read], ApiKeyRole.Admin, Cancellation)).Key;
        const string Period = $"customer_id={World}&begin_date=2022-03&end_date=2022-03";

        var harvesterItems = await GetAsync($"/sushi/r51/reports/ir?{Period}&api_key={harvester}");
        var adminItems = await GetAsync($"/sushi/r51/reports/ir?{Period}&api_key={admin}");
        var harvesterPlatform = await GetAsync($"/sushi/r51/reports/pr?{Period}&api_key={harvester}");
        var adminPlatform = await GetAsync($"/sushi/r51/reports/pr?{Period}&api_key={admin}");

        Assert.Equal(["sushi-rules-open"], Items(harvesterItems.Body));
        Assert.Equal(["sushi-rules-open", "sushi-rules-own", "sushi-rules-staff"], Items(adminItems.Body));
        // The platform total lacks exactly the two and three views of the closed community's and the closed record's items.
        Assert.Equal(1, Total(harvesterPlatform.Body, "Total_Item_Investigations"));
        Assert.Equal(6, Total(adminPlatform.Body, "Total_Item_Investigations"));
        Assert.Empty(CounterSchema.Errors("PR", harvesterPlatform.Body));
        Assert.Empty(CounterSchema.Errors("IR", harvesterItems.Body));

        static List<string> Items(JsonNode? report) =>
            [.. Descendants(report!["Report_Items"]).OfType<JsonObject>().Where(o => o["Item_ID"] is JsonObject)
                .Select(o => o["Item_ID"]!["Proprietary"]!.GetValue<string>().Split(':', 2)[1]).Order(StringComparer.Ordinal)];

        static long Total(JsonNode? report, string metric) =>
            Descendants(report!["Report_Items"]).OfType<JsonObject>().Where(o => o["Performance"] is JsonObject)
                .Sum(o => o["Performance"]![metric]?.AsObject().Sum(month => month.Value!.GetValue<long>()) ?? 0);
    }

    [Fact]
    public async Task ARevokedKeyIs2020AtOnce()
    {
        var keys = dashboard.Services.GetRequiredService<ApiKeyService>();
        var (info, key) = await keys.CreateAsync("revoked-harvester", [ApiScopes.Read], Cancellation);
        var before = await GetAsync($"/sushi/r51/members?api_key={key}");

        await keys.RevokeAsync(info.Prefix, Cancellation);
        var after = await GetAsync($"/sushi/r51/members?api_key={key}");

        Assert.Equal(HttpStatusCode.OK, before.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, after.Status);
        AssertException(after.Body, 2020);
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode? node) => node switch
    {
        JsonObject o => o.Select(p => p.Value).OfType<JsonNode>().SelectMany(Descendants).Prepend(o),
        JsonArray a => a.OfType<JsonNode>().SelectMany(Descendants).Prepend(a),
        null => [],
        _ => [node],
    };

    /// <summary>Runs the aggregator until no day waits (the background run may hold the lease for a moment).</summary>
    private async Task AggregateEverythingAsync()
    {
        var runner = dashboard.Services.GetRequiredService<AggregationRunner>();
        var contexts = dashboard.Services.GetRequiredService<IDbContextFactory<StatsDbContext>>();
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var report = await runner.RunAsync(Cancellation);
            Assert.True(report.Error is null, report.Error);
            await using var context = await contexts.CreateDbContextAsync(Cancellation);
            if (!await context.DirtyDays.AnyAsync(Cancellation))
            {
                return;
            }

            await Task.Delay(100, Cancellation);
        }

        Assert.Fail("Days still wait for aggregation.");
    }
}
