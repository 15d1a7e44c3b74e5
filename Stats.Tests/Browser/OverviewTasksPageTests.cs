using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Stats.Core.Access;
using Stats.Core.Annotations;

namespace Stats.Tests.Browser;

/// <summary>
/// Issue 19's Overview in a browser on the demo data, as a repository manager uses it in the morning: the headline cards, the
/// metric switch, the period picker, a note drawn on the chart, and the search box to a record's panel. Each step passes axe
/// in the light and the dark theme, and is photographed at 1440 and 390 px.
/// </summary>
[Collection(PanelsBrowserGroup.Name)]
public sealed class OverviewTasksPageTests(DashboardServer server, BrowserSession browser)
{
    private static readonly string[] s_cards = ["views", "unique_views", "downloads", "unique_downloads", "data_volume", "new_records"];

    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    private static async Task CheckBothThemesAndWidthsAsync(IPage page, string name)
    {
        // The page emulates reduced motion (ReadCards...): the charts draw without their entry animation, which axe would
        // read half-drawn, and axe itself waits for the theme's colour transition.
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = scheme, ReducedMotion = ReducedMotion.Reduce });
            await Assertions.Expect(page.Locator(".stats-apexchart .apexcharts-series").First).ToBeAttachedAsync(PanelBrowser.Patient);
            await Axe.AssertNoSeriousViolationsAsync(page);
            var theme = scheme == ColorScheme.Dark ? "dark" : "light";
            await page.SetViewportSizeAsync(1440, 900);
            await Screenshots.SaveAsync(page, $"{name}-{theme}-1440");
            await page.SetViewportSizeAsync(390, 844);
            // ApexCharts redraws for the new width after the window's resize event: photograph the phone's page, not the desktop chart.
            await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.stats-apexchart svg')].every(s => s.getBoundingClientRect().width <= 390)");
            await Screenshots.SaveAsync(page, $"{name}-{theme}-390");
            await page.SetViewportSizeAsync(1440, 900);
        }

        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Light, ReducedMotion = ReducedMotion.Reduce });
    }

    [Fact]
    public async Task AManagerReadsTheCardsSwitchesTheMetricAndPeriodSeesANoteAndSearchesToARecord()
    {
        const string Note = "DOI resolver outage (browser test)";
        var noted = Today.AddDays(-3);
        var admin = new StatsViewer(true, "admin-browser", "Browser Admin", IsAdmin: true, new HashSet<string>());
        var notes = server.Services.GetRequiredService<IAnnotations>();
        var added = await notes.AddAsync(admin, AnnotationScope.Repository, null, noted, noted, Note, TestContext.Current.CancellationToken);
        try
        {
            await ReadCardsSwitchMetricAndPeriodSeeTheNoteAndSearchAsync(Note);
        }
        finally
        {
            // A repository note is on every chart of the shared demo store: the other tests compare chart CSVs, note column
            // included, with the API.
            await notes.RemoveAsync(admin, added.Id, TestContext.Current.CancellationToken);
        }
    }

    private async Task ReadCardsSwitchMetricAndPeriodSeeTheNoteAndSearchAsync(string note)
    {
        var page = await browser.NewPageAsync(1440, 900);
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ReducedMotion = ReducedMotion.Reduce });
        var errors = await PanelBrowser.OpenAsync(page, server.BaseAddress);

        // The six cards, each with its change against the previous 30 days; views charted, the previous period behind.
        foreach (var key in s_cards)
        {
            await Assertions.Expect(page.Locator($"[data-metric='{key}'] .stats-headline-value")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 30_000 });
        }

        var summary = await PanelBrowser.QueryAsync(server.BaseAddress, "repository-summary", new Dictionary<string, string>
        {
            ["start_date"] = PanelBrowser.Iso(Today.AddDays(-29)), ["end_date"] = PanelBrowser.Iso(Today),
        });
        Assert.Equal(summary.GetProperty("views").GetInt64().ToString("N0", CultureInfo.InvariantCulture), await ValueOfAsync(page, "views"));
        Assert.Equal(summary.GetProperty("downloads").GetInt64().ToString("N0", CultureInfo.InvariantCulture), await ValueOfAsync(page, "downloads"));
        await PanelBrowser.ExpectChartDrawnAsync(page, "overview-usage");
        var legend = page.Locator("[data-chart-id='overview-usage'] .apexcharts-legend");
        await Assertions.Expect(legend).ToContainTextAsync("Views (previous:", new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });

        // The repository's note, drawn on its day.
        await Assertions.Expect(page.Locator("[data-chart-id='overview-usage'] .apexcharts-xaxis-annotations")).ToContainTextAsync(note, new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
        await CheckBothThemesAndWidthsAsync(page, "overview-views");

        // Downloads, by clicking its card; then the last 12 months, keeping the metric.
        await PanelBrowser.NavigateByAsync(page, () => page.Locator("[data-metric='downloads'] .stats-metric-select").ClickAsync(), url => url.Contains("metric=downloads", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("[data-metric='downloads'] .stats-metric-select")).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(legend).ToContainTextAsync("Downloads (previous:", new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
        await PanelBrowser.NavigateByAsync(page, () => page.Locator("select.stats-period-preset").First.SelectOptionAsync("12m"),
            url => url.Contains("period=12m", StringComparison.Ordinal) && url.Contains("metric=downloads", StringComparison.Ordinal));
        var year = await PanelBrowser.QueryAsync(server.BaseAddress, "repository-summary", new Dictionary<string, string>
        {
            ["start_date"] = PanelBrowser.Iso(Today.AddMonths(-12).AddDays(1)), ["end_date"] = PanelBrowser.Iso(Today),
        });
        await Assertions.Expect(page.Locator("[data-metric='new_records'] .stats-headline-value"))
            .ToHaveTextAsync(year.GetProperty("new_records").GetInt64().ToString("N0", CultureInfo.InvariantCulture), new LocatorAssertionsToHaveTextOptions { Timeout = 30_000 });
        // Compared with the 365 days before: the card names their last day.
        var yearStart = Today.AddMonths(-12).AddDays(1);
        await Assertions.Expect(page.Locator("[data-metric='downloads'] .stats-headline-compared"))
            .ToContainTextAsync(yearStart.AddDays(-1).ToString("d MMM yyyy", CultureInfo.InvariantCulture), new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
        await PanelBrowser.ExpectChartDrawnAsync(page, "overview-usage");
        await CheckBothThemesAndWidthsAsync(page, "overview-downloads-12m");

        // The search box, to the most viewed record's panel by its title.
        var top = page.Locator("[data-table='overview-top-records'] tbody tr").First;
        await Assertions.Expect(top).ToBeAttachedAsync(PanelBrowser.Patient);
        var title = (await top.Locator("a").InnerTextAsync()).Trim();
        var recid = (await top.Locator(".stats-cell-secondary").InnerTextAsync()).Trim();
        var box = page.Locator(".stats-search-box input");
        await box.FillAsync(title);
        var hit = page.Locator($".mud-popover-open .stats-search-hit[data-id='{recid}']");
        await Assertions.Expect(hit).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 30_000 });
        await PanelBrowser.NavigateByAsync(page, () => hit.ClickAsync(), url => url.Contains($"/records/{recid}", StringComparison.Ordinal));
        await PanelBrowser.ExpectChartDrawnAsync(page, $"record-usage-{recid}");
        Assert.Empty(errors);
    }

    private static async Task<string> ValueOfAsync(IPage page, string key) =>
        (await page.Locator($"[data-metric='{key}'] .stats-headline-value").InnerTextAsync()).Trim();
}
