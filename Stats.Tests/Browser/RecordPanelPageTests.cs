using System.Globalization;
using Microsoft.Playwright;

namespace Stats.Tests.Browser;

/// <summary>The Records panels in a real browser, on the demo data; every export is checked against <c>POST /api/stats</c>.</summary>
[Collection(PanelsBrowserGroup.Name)]
public sealed class RecordPanelPageTests(DashboardServer server, BrowserSession browser)
{
    private static readonly string[] s_fileMetrics = ["downloads", "unique_downloads", "data_volume"];

    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    [Fact]
    public async Task RecordPanelDrawsItsChartsAndExportsWhatTheApiAnswers()
    {
        var recid = await MostViewedRecordAsync();
        var page = await browser.NewPageAsync();
        var errors = await PanelBrowser.OpenAsync(page, new Uri(server.BaseAddress, $"/records/{recid}?period=30d&interval=day"));
        await PanelBrowser.ExpectChartDrawnAsync(page, $"record-usage-{recid}");
        await PanelBrowser.ExpectChartDrawnAsync(page, $"record-files-chart-{recid}");

        var range = new Dictionary<string, string> { ["start_date"] = PanelBrowser.Iso(Today.AddDays(-29)), ["end_date"] = PanelBrowser.Iso(Today) };
        var views = await PanelBrowser.QueryAsync(server.BaseAddress, "record-view", new Dictionary<string, string>(range) { ["recid"] = recid });
        Assert.Equal(views.GetProperty("views").GetInt64().ToString("N0", CultureInfo.InvariantCulture), await PanelBrowser.HeadlineAsync(page, "views"));

        var (_, seriesCsv) = await PanelBrowser.DownloadAsync(page, page.Locator($"[data-chart-card='record-usage-{recid}'] .stats-export-csv"));
        var viewHistogram = await PanelBrowser.QueryAsync(server.BaseAddress, "record-view-histogram", new Dictionary<string, string>(range) { ["recid"] = recid, ["interval"] = "day" });
        var downloadHistogram = await PanelBrowser.QueryAsync(server.BaseAddress, "record-download-histogram", new Dictionary<string, string>(range) { ["recid"] = recid, ["interval"] = "day" });
        var expected = PanelBrowser.HistogramRows(viewHistogram, "views", "unique_views")
            .Zip(PanelBrowser.HistogramRows(downloadHistogram, "downloads", "unique_downloads"), (v, d) => (string[])[.. v, .. d.Skip(1), ""]);
        // The last column is the day's notes on the charts (the demo has none).
        Assert.Equal(expected, PanelBrowser.ParseCsv(seriesCsv).Skip(1));

        var (_, filesCsv) = await PanelBrowser.DownloadAsync(page, page.Locator($"[data-table='record-files-{recid}'] .stats-export-csv"));
        var files = await PanelBrowser.QueryAsync(server.BaseAddress, "file-download", new Dictionary<string, string>(range) { ["recid"] = recid });
        Assert.Equal(
            files.GetProperty("buckets").EnumerateArray().Select(b => (string[])[b.GetProperty("key").GetString()!, .. s_fileMetrics.Select(p => b.GetProperty(p).GetInt64().ToString(CultureInfo.InvariantCulture))]),
            PanelBrowser.ParseCsv(filesCsv).Skip(1));

        await Axe.AssertNoSeriousViolationsAsync(page);
        await Screenshots.SaveAsync(page, "record");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task AllVersionsSwitchShowsTheConceptsNumbersAndKeepsItInTheUrl()
    {
        var page = await browser.NewPageAsync();
        var recid = await MostViewedRecordAsync();
        await PanelBrowser.OpenAsync(page, new Uri(server.BaseAddress, $"/records/{recid}?period=12m"));
        await PanelBrowser.ExpectChartDrawnAsync(page, $"record-usage-{recid}");

        await PanelBrowser.NavigateByAsync(page, () => page.Locator(".stats-version-all").ClickAsync(), url => url.Contains("versions=all", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator(".stats-panel-subtitle")).ToContainTextAsync("All versions");
        var info = await PanelBrowser.QueryAsync(server.BaseAddress, "records-popular", new Dictionary<string, string> { ["size"] = "1" });
        Assert.NotEqual(0, info.GetProperty("records").GetArrayLength());
        await PanelBrowser.ExpectChartDrawnAsync(page, $"record-usage-{recid}");
        await Screenshots.SaveAsync(page, "record-all-versions");
    }

    [Fact]
    public async Task RecordsListFindsARecordByIdAndOpensIt()
    {
        var recid = await MostViewedRecordAsync();
        var page = await browser.NewPageAsync();
        var errors = await PanelBrowser.OpenAsync(page, new Uri(server.BaseAddress, "/records?period=30d"));
        await Assertions.Expect(page.Locator("[data-table='top-records'] tbody tr").First).ToBeVisibleAsync();
        await Axe.AssertNoSeriousViolationsAsync(page);
        await Screenshots.SaveAsync(page, "records");

        await page.Locator("#record-search").FillAsync(recid);
        await Assertions.Expect(page.Locator("[data-table='top-records'] tbody tr")).ToHaveCountAsync(1);
        await PanelBrowser.NavigateByAsync(page, () => page.Locator("#record-search").PressAsync("Enter"), url => url.Contains($"/records/{recid}?period=30d", StringComparison.Ordinal));
        await PanelBrowser.ExpectChartDrawnAsync(page, $"record-usage-{recid}");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task RecordPanelIsReadableInDarkMode()
    {
        var recid = await MostViewedRecordAsync();
        var page = await browser.NewPageAsync();
        // Charts drawn without their entry animation, so that axe reads the page as soon as they are drawn.
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Dark, ReducedMotion = ReducedMotion.Reduce });
        await PanelBrowser.OpenAsync(page, new Uri(server.BaseAddress, $"/records/{recid}?period=7d&interval=day"));
        await PanelBrowser.ExpectChartDrawnAsync(page, $"record-usage-{recid}");

        await Axe.AssertNoSeriousViolationsAsync(page);
        await Screenshots.SaveAsync(page, "record-dark");
    }

    [Fact]
    public async Task AnUnknownRecordSaysWhatToDo()
    {
        var page = await browser.NewPageAsync();
        await PanelBrowser.OpenAsync(page, new Uri(server.BaseAddress, "/records/no-such-record"));

        await Assertions.Expect(page.Locator(".stats-empty-state")).ToContainTextAsync("No record \"no-such-record\" is known");
        await Axe.AssertNoSeriousViolationsAsync(page);
    }

    private async Task<string> MostViewedRecordAsync()
    {
        var ranking = await PanelBrowser.QueryAsync(server.BaseAddress, "records-popular", new Dictionary<string, string>
        {
            ["size"] = "1", ["start_date"] = PanelBrowser.Iso(Today.AddDays(-29)), ["end_date"] = PanelBrowser.Iso(Today),
        });
        return ranking.GetProperty("records")[0].GetProperty("recid").GetString()!;
    }
}
