using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Stats.Core.Aggregation;
using Stats.Core.Ingestion;
using Stats.Tests.Builders;

namespace Stats.Tests.Browser;

/// <summary>
/// Issue 15's scenario in a browser, beside the demo repository's traffic: one visitor from CERN's network downloads a file
/// 5,000 times in an hour, 40 readers come from a search engine, a crawler views the record. An admin chasing the harvester
/// finds it on /admin/investigate, and anyone who may see the record's usage sees where its readers came from.
/// </summary>
[Collection(PanelsBrowserGroup.Name)]
public sealed class InvestigationPageTests(DashboardServer server, BrowserSession browser)
{
    private static readonly SemaphoreSlim s_ingesting = new(1, 1);
    private static DashboardServer? s_ingestedInto;

    private static readonly LocatorAssertionsToHaveTextOptions s_patient = new() { Timeout = 60_000 };

    /// <summary>Yesterday's 10:00 UTC hour: over, inside the retention window and among the demo data's days.</summary>
    private static DateTimeOffset Hour { get; } = new(DateTime.UtcNow.Date.AddDays(-1).AddHours(10), TimeSpan.Zero);

    private static string At(DateTimeOffset time) => time.ToString("yyyy-MM-dd'%20'HH:mm", CultureInfo.InvariantCulture);

    private static string RecordHour => $"/admin/investigate?scope=record&id={HammerScenario.Recid}&from={At(Hour)}&to={At(Hour.AddHours(1))}";

    [Theory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public async Task TheHammeringVisitorAndCernAreOnTopTheCountedNumbersLeaveOutItsDoubleClicksAndTheExportHasEveryRawEvent(ColorScheme scheme)
    {
        await IngestScenarioOnceAsync();
        var page = await browser.NewPageAsync();
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = scheme });
        await PanelBrowser.SignInAsync(page, server.BaseAddress, "Ada Admin");

        var errors = await PanelBrowser.OpenAsync(page, new Uri(server.BaseAddress, RecordHour));

        var top = page.Locator(".stats-investigate-visitor").First;
        await Assertions.Expect(top.Locator(".stats-visitor-events")).ToHaveTextAsync("5,000", s_patient);
        await Assertions.Expect(top.Locator(".stats-visitor-organisation")).ToHaveTextAsync(HammerScenario.Cern);
        await Assertions.Expect(page.Locator(".stats-investigate-organisations .stats-top-name").First).ToHaveTextAsync(HammerScenario.Cern);
        var hour = page.Locator(".stats-investigate-hour");
        await Assertions.Expect(hour).ToHaveCountAsync(1);
        // The readers' 40 views and 40 downloads and the harvester's last download; its 4,999 others are double-clicks.
        await Assertions.Expect(hour.Locator(".stats-hour-counted")).ToHaveTextAsync(((2 * HammerScenario.Readers) + 1).ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(hour.Locator(".stats-hour-double-clicks")).ToHaveTextAsync("4,999");
        await Assertions.Expect(hour.Locator(".stats-hour-robots")).ToHaveTextAsync(HammerScenario.RobotViews.ToString(CultureInfo.InvariantCulture));

        var export = await page.Locator(".stats-investigate-ndjson").GetAttributeAsync("href");
        var exported = await ExportedAsync(page, export!);
        var expected = HammerScenario.Events(Hour).Where(e => e.Type != Stats.Core.Events.EventCatalog.RecordPublished).ToList();
        Assert.Equal(expected.Count, exported.Count);
        Assert.Equal(
            expected.Select(e => (e.Timestamp.UtcDateTime, e.Type)).Order(),
            exported.Select(e => (e.GetProperty("timestamp").GetDateTime().ToUniversalTime(), e.GetProperty("type").GetString()!)).Order());
        Assert.All(exported, e => Assert.Equal(HammerScenario.Recid, e.GetProperty("recid").GetString()));
        Assert.Equal(HammerScenario.HammerDownloads - 1, exported.Count(e => e.GetProperty("category").GetString() == "double-click"));

        await Axe.AssertNoSeriousViolationsAsync(page);
        await Screenshots.SaveAsync(page, $"investigate-{scheme.ToString().ToLowerInvariant()}");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task ARecordPanelShowsItsTopReferringSites()
    {
        await IngestScenarioOnceAsync();
        var page = await browser.NewPageAsync();

        var errors = await PanelBrowser.OpenAsync(page, new Uri(server.BaseAddress, $"/records/{HammerScenario.Recid}?period=7d"));

        var table = page.Locator($"[data-table='record-referrers-{HammerScenario.Recid}']");
        await Assertions.Expect(table.Locator("h2")).ToHaveTextAsync("Top referring sites", s_patient);
        // The readers' views came from a search with a query string: only the host is kept, and each view counted once.
        await Assertions.Expect(table.Locator("tbody tr").First.Locator("td")).ToHaveTextAsync(["scholar.google.com", "40", "0"]);
        await Assertions.Expect(table.Locator("tbody tr")).ToHaveCountAsync(1);
        await Axe.AssertNoSeriousViolationsAsync(page);
        Assert.Empty(errors);
    }

    /// <summary>The NDJSON export, fetched with the page's session as the link would.</summary>
    private static async Task<List<JsonElement>> ExportedAsync(IPage page, string href)
    {
        var response = await page.Context.APIRequest.GetAsync(new Uri(new Uri(page.Url), href).ToString());
        Assert.Equal(200, response.Status);
        var text = await response.TextAsync();
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement)];
    }

    /// <summary>
    /// Ingests the scenario into the shared dashboard once, through its own ingestor, and aggregates its day, so that the
    /// record panel's sources are written before a test looks (the dashboard's own minute-by-minute run would get there too).
    /// </summary>
    private async Task IngestScenarioOnceAsync()
    {
        await s_ingesting.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (s_ingestedInto == server)
            {
                return;
            }

            var ingestor = server.Services.GetRequiredService<EventIngestor>();
            foreach (var batch in HammerScenario.Events(Hour).Chunk(1000))
            {
                var result = await ingestor.IngestAsync(batch, TestContext.Current.CancellationToken);
                Assert.Empty(result.Rejected);
            }

            var day = DateOnly.FromDateTime(Hour.UtcDateTime);
            var runner = server.Services.GetRequiredService<AggregationRunner>();
            var report = await runner.RunAsync((day, day), TestContext.Current.CancellationToken);
            Assert.True(report.LeaseAcquired && report.Error is null, $"Aggregating {day} failed: {report.Error ?? "the lease is held by " + report.LeaseHolder}");
            s_ingestedInto = server;
        }
        finally
        {
            s_ingesting.Release();
        }
    }
}
