using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Access;
using Stats.Core.Aggregation;
using Stats.Core.Ingestion;
using Stats.Tests.Builders;
using Stats.Tests.Core.Reports;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Api;

public sealed class DsrApiTests : IClassFixture<DashboardFactory>
{
    private const string Path = "/sushi/rd1/reports/dsr";

    private readonly DashboardFactory _dashboard;

    public DsrApiTests(DashboardFactory dashboard)
    {
        _dashboard = dashboard;
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private async Task<(HttpStatusCode Status, JsonElement Body, string Text)> GetAsync(string query)
    {
        using var client = _dashboard.CreateClient();
        using var response = await client.GetAsync(new Uri($"{Path}?{query}", UriKind.Relative), Cancellation);
        var text = await response.Content.ReadAsStringAsync(Cancellation);
        using var document = JsonDocument.Parse(text);
        return (response.StatusCode, document.RootElement.Clone(), text);
    }

    /// <summary>Aggregates every dirty day; the background aggregator may hold the lease for a moment, so this waits for it.</summary>
    private async Task AggregateAsync()
    {
        var runner = _dashboard.Services.GetRequiredService<AggregationRunner>();
        var report = await runner.RunAsync(Cancellation);
        for (var attempt = 0; !report.LeaseAcquired && attempt < 100; attempt++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), Cancellation);
            report = await runner.RunAsync(Cancellation);
        }

        Assert.True(report.LeaseAcquired, "The aggregator did not get the lease.");
        Assert.Null(report.Error);
    }

    [Fact]
    public async Task WithoutAKeyOrTheReadScopeTheAnswerIs2000AndWithAWrongKey2020AsForEverySushiReport()
    {
        var ingestKey = await _dashboard.CreateKeyAsync(ApiScopes.Ingest);

        var missing = await GetAsync("begin_date=2024-05&end_date=2024-05");
        var wrong = await GetAsync("begin_date=2024-05&end_date=2024-05&api_key=stats_abcdefghij_nope");
        var forbidden = await GetAsync($"begin_date=2024-05&end_date=2024-05&api_key={ingestKey}");

        Assert.Equal((HttpStatusCode.Unauthorized, 2000), (missing.Status, missing.Body.GetProperty("code").GetInt32()));
        Assert.Equal((HttpStatusCode.Unauthorized, 2020), (wrong.Status, wrong.Body.GetProperty("code").GetInt32()));
        Assert.Equal((HttpStatusCode.Unauthorized, 2000), (forbidden.Status, forbidden.Body.GetProperty("code").GetInt32()));
        Assert.Equal("error", forbidden.Body.GetProperty("severity").GetString());
    }

    [Theory]
    [InlineData("begin_date=2024-13&end_date=2024-05")]
    [InlineData("begin_date=2024-05")]
    [InlineData("begin_date=2024-06&end_date=2024-05")]
    [InlineData("begin_date=2999-01&end_date=2999-01")]
    public async Task BadOrMissingDatesAre3020(string dates)
    {
        var key = await _dashboard.CreateKeyAsync(ApiScopes.Read);

        var (status, body, text) = await GetAsync($"{dates}&api_key={key}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("code").GetInt32() == 3020, text);
    }

    [Fact]
    public async Task AnUnknownParameterIs3050AndNamesIt()
    {
        var key = await _dashboard.CreateKeyAsync(ApiScopes.Read);

        var (status, body, _) = await GetAsync($"begin_date=2024-05&end_date=2024-05&metric_type=x&api_key={key}");

        Assert.Equal((HttpStatusCode.BadRequest, 3050), (status, body.GetProperty("code").GetInt32()));
        Assert.Contains("metric_type", body.GetProperty("data").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCurrentMonthIsNotReady3031()
    {
        var key = await _dashboard.CreateKeyAsync(ApiScopes.Admin);
        var month = DateTime.UtcNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

        var (status, body, _) = await GetAsync($"begin_date={month}&end_date={month}&api_key={key}");

        Assert.Equal((HttpStatusCode.BadRequest, 3031), (status, body.GetProperty("code").GetInt32()));
    }

    [Fact]
    public async Task AHubsKeyGetsNoDatasetOfACommunityTheAccessRulesCloseToIt()
    {
        var noon = new DateTimeOffset(2022, 4, 12, 12, 0, 0, TimeSpan.Zero);
        await _dashboard.Services.GetRequiredService<EventIngestor>().IngestAsync(
            [TestEvents.Published("dsr-rules-open", noon.AddMonths(-1), communities: ["dsr-rules-public"]),
             TestEvents.Published("dsr-rules-staff", noon.AddMonths(-1), communities: ["dsr-rules-staff"]),
             TestEvents.View("dsr-rules-open", noon, sessionId: "r-1"),
             TestEvents.View("dsr-rules-staff", noon, sessionId: "r-2"),
             TestEvents.View("dsr-rules-staff", noon, sessionId: "r-3")], Cancellation);
        await AggregateAsync();
        await _dashboard.Services.GetRequiredService<AccessRuleStore>().SetAsync(
            RuleTarget.Community("dsr-rules-staff"), StatFamily.Usage, Audience.AdminsOnly, "test", Cancellation);
        var hub = await _dashboard.CreateKeyAsync(ApiScopes.Read);
        var admin = await _dashboard.CreateKeyAsync(ApiScopes.Admin);

        var (hubStatus, hubReport, hubText) = await GetAsync($"begin_date=2022-04&end_date=2022-04&api_key={hub}");
        var (_, adminReport, _) = await GetAsync($"begin_date=2022-04&end_date=2022-04&api_key={admin}");

        Assert.True(hubStatus == HttpStatusCode.OK, hubText);
        Assert.Empty(DsrSchema.Errors(hubText));
        Assert.Equal(["dsr-rules-open"], Datasets(hubReport));
        Assert.Equal(["dsr-rules-open", "dsr-rules-staff"], Datasets(adminReport));

        static List<string> Datasets(JsonElement report) =>
            [.. report.GetProperty("report-datasets").EnumerateArray().Select(d => d.GetProperty("dataset-id")[0].GetProperty("value").GetString()!)];
    }

    [Fact]
    public async Task AReadKeyGetsTheMonthsReportWhichValidatesAgainstTheSchema()
    {
        var key = await _dashboard.CreateKeyAsync(ApiScopes.Read);
        var noon = new DateTimeOffset(2023, 2, 10, 12, 0, 0, TimeSpan.Zero);
        await _dashboard.Services.GetRequiredService<EventIngestor>().IngestAsync(
            [TestEvents.View("dsr-api-1", noon, sessionId: "s-1"), TestEvents.Download("dsr-api-1", "data.csv", noon.AddMinutes(1), size: 300, sessionId: "s-1"),
             TestEvents.Download("dsr-api-1", "data.csv", noon.AddMinutes(2), size: 300, sessionId: "s-2")], Cancellation);
        await AggregateAsync();

        var (status, body, text) = await GetAsync($"begin_date=2023-02&end_date=2023-02-28&api_key={key}");

        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Empty(DsrSchema.Errors(text));
        var dataset = Assert.Single(body.GetProperty("report-datasets").EnumerateArray());
        var counts = dataset.GetProperty("performance")[0].GetProperty("instance").EnumerateArray()
            .Select(i => $"{i.GetProperty("metric-type").GetString()} {i.GetProperty("count").GetInt64()}");
        // One view and two downloads from two sessions.
        Assert.Equal(["total-dataset-investigations 3", "unique-dataset-investigations 2", "total-dataset-requests 2", "unique-dataset-requests 2"], counts);
        Assert.Equal("2023-02-28", body.GetProperty("report-header").GetProperty("reporting-period").GetProperty("end-date").GetString());
    }
}
