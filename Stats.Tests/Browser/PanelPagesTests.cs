using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Stats.Core.Access;
using Stats.Core.Queries;

namespace Stats.Tests.Browser;

/// <summary>
/// The communities, circulation, SIP store and map panels in a real browser, on the demo data, signed in as the demo admin
/// through the Development sign-in (two of them are admin-only): they draw their charts and map, keep their state in the URL, export the numbers
/// <c>POST /api/stats</c> gives for the same period, and pass axe. Screenshots land in <see cref="Screenshots.Folder"/>.
/// </summary>
[Collection(PanelsBrowserGroup.Name)]
public sealed class PanelPagesTests(DashboardServer server, BrowserSession browser)
{
    /// <summary>The demo admin (Stats.Dashboard/Auth/DemoUsers.cs).</summary>
    private const string Admin = "Ada Admin";

    private string? _apiKey;

    private static readonly LocatorAssertionsToBeAttachedOptions s_slow = new() { Timeout = 30_000 };

    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>The last 30 days as an explicit range, so that the page and the API read the same days.</summary>
    private static string Range => $"from={Iso(Today.AddDays(-29))}&to={Iso(Today)}&interval=day";

    [Fact]
    public async Task TheCommunitiesListLeadsToACommunityPanelWithItsChartsAndMap()
    {
        var (page, errors) = await OpenAsync("/communities?period=all");
        var rows = page.Locator("[data-table='communities'] tbody tr");
        await Assertions.Expect(rows.First).ToBeAttachedAsync(s_slow);
        Assert.True(await rows.CountAsync() >= 2, "the demo data has several communities");
        var csv = await DownloadCsvAsync(page, page.Locator("[data-table='communities'] .stats-export-csv"));
        var listed = (await PostAsync("communities", [])).GetProperty("communities").EnumerateArray()
            .OrderByDescending(c => c.GetProperty("views").GetInt64()).ThenBy(c => c.GetProperty("community").GetString(), StringComparer.Ordinal);
        Assert.Equal("Community name,Community id,Live records,New records,Views,Downloads", csv[0]);
        Assert.Equal(
            listed.Select(c => string.Join(',', c.GetProperty("name").GetString() ?? "", c.GetProperty("community").GetString(),
                c.GetProperty("records").GetInt64(), c.GetProperty("new_records").GetInt64(), c.GetProperty("views").GetInt64(), c.GetProperty("downloads").GetInt64())),
            csv.Skip(1));
        await Axe.AssertNoSeriousViolationsAsync(page);
        await Screenshots.SaveAsync(page, "communities");

        await PanelBrowser.NavigateByAsync(page, () => page.Locator("[data-table='communities'] tbody a").First.ClickAsync(), url => url.Contains("/communities/", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("[data-chart-id='community-usage'] .apexcharts-series").First).ToBeAttachedAsync(s_slow);
        await Assertions.Expect(page.Locator("[data-chart-id='community-growth'] .apexcharts-series").First).ToBeAttachedAsync(s_slow);
        await Assertions.Expect(page.Locator("[data-map-id='community-visitors'] path.jvm-region[data-value='yes']").First).ToBeAttachedAsync(s_slow);
        await Assertions.Expect(page.Locator("[data-map-id='community-visitors'] .stats-worldmap-max")).Not.ToBeEmptyAsync();
        await Assertions.Expect(page.Locator("[data-table='top-uploaders'] tbody tr").First).ToBeAttachedAsync(s_slow);
        await Axe.AssertNoSeriousViolationsAsync(page);
        await Screenshots.SaveAsync(page, "community");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task ChangingTheCommunitysPeriodChangesTheUrlAndTheNumbers()
    {
        var community = await BusiestCommunityAsync();
        var (page, _) = await OpenAsync($"/communities/{community}?period=all");
        var views = page.Locator("[data-headline='views'] .stats-headline-value");

        // The prerendered page has the numbers before it is interactive: the chart is drawn once it is.
        await Assertions.Expect(page.Locator("[data-chart-id='community-usage'] .apexcharts-series").First).ToBeAttachedAsync(s_slow);
        var allTime = await views.InnerTextAsync();

        await PanelBrowser.NavigateByAsync(page, () => page.Locator("select.stats-period-preset").SelectOptionAsync("7d"), url => url.Contains("period=7d", StringComparison.Ordinal));
        await Assertions.Expect(views).Not.ToHaveTextAsync(allTime);
        var expected = await PostAsync("community-views", new() { ["community"] = community, ["start_date"] = Iso(Today.AddDays(-6)), ["end_date"] = Iso(Today) });
        Assert.Equal(Count(expected.GetProperty("views").GetInt64()), (await views.InnerTextAsync()).Trim());
    }

    [Fact]
    public async Task TheCommunitysUsageCsvHasTheNumbersOfTheApi()
    {
        var community = await BusiestCommunityAsync();
        var (page, _) = await OpenAsync($"/communities/{community}?{Range}");
        await Assertions.Expect(page.Locator("[data-chart-id='community-usage'] .apexcharts-series").First).ToBeAttachedAsync(s_slow);

        var csv = await DownloadCsvAsync(page, page.Locator("[data-chart-card='community-usage'] .stats-export-csv"));

        var period = new Dictionary<string, string> { ["community"] = community, ["start_date"] = Iso(Today.AddDays(-29)), ["end_date"] = Iso(Today), ["interval"] = "day" };
        var views = (await PostAsync("community-views-histogram", period)).GetProperty("buckets").EnumerateArray().ToList();
        var downloads = (await PostAsync("community-downloads-histogram", period)).GetProperty("buckets").EnumerateArray().ToList();
        // The last column is the day's notes on the charts: the demo has none.
        Assert.Equal("date,Views,Downloads,note", csv[0]);
        Assert.Equal(
            views.Select((v, i) => $"{v.GetProperty("date").GetString()![..10]},{v.GetProperty("views").GetInt64()},{downloads[i].GetProperty("downloads").GetInt64()},"),
            csv.Skip(1));
        Assert.True(views.Sum(v => v.GetProperty("views").GetInt64()) > 0, "the demo community has views in the last 30 days");
    }

    [Fact]
    public async Task CirculationDrawsItsSeriesAndItsTopDocumentsCsvHasTheNumbersOfTheApi()
    {
        var (page, errors) = await OpenAsync($"/circulation?{Range}");
        await Assertions.Expect(page.Locator("[data-chart-id='circulation-history'] .apexcharts-series").First).ToBeAttachedAsync(s_slow);
        Assert.Equal(5, await page.Locator("[data-chart-id='circulation-history'] .apexcharts-series").CountAsync());

        var period = new Dictionary<string, string> { ["start_date"] = Iso(Today.AddDays(-29)), ["end_date"] = Iso(Today) };
        var summary = await PostAsync("circulation-summary", period);
        Assert.Equal(Count(summary.GetProperty("loans").GetInt64()), (await page.Locator("[data-headline='loans'] .stats-headline-value").InnerTextAsync()).Trim());

        var csv = await DownloadCsvAsync(page, page.Locator("[data-table='top-documents'] .stats-export-csv"));
        var documents = (await PostAsync("circulation-top-documents", new(period) { ["size"] = "100" })).GetProperty("buckets").EnumerateArray();
        Assert.Equal("Document,Loans,Renewals,Returns,Overdue,Requests", csv[0]);
        Assert.Equal(
            documents.Select(d => string.Join(',', d.GetProperty("key").GetString() ?? "(no document id)",
                d.GetProperty("loans").GetInt64(), d.GetProperty("renewals").GetInt64(), d.GetProperty("returns").GetInt64(),
                d.GetProperty("overdue").GetInt64(), d.GetProperty("requests").GetInt64())),
            csv.Skip(1));

        await Axe.AssertNoSeriousViolationsAsync(page);
        await Screenshots.SaveAsync(page, "circulation");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task TheSipStoreShowsTheApisSummaryAndItsArchiveHistory()
    {
        var (page, errors) = await OpenAsync($"/sipstore?{Range}");
        await Assertions.Expect(page.Locator("[data-chart-id='archive-size'] .apexcharts-series").First).ToBeAttachedAsync(s_slow);

        var summary = await PostAsync("sipstore-summary", new() { ["start_date"] = Iso(Today.AddDays(-29)), ["end_date"] = Iso(Today) });
        Assert.Equal(Count(summary.GetProperty("records_with_sips").GetInt64()), await HeadlineAsync(page, "records-with-sips"));
        Assert.Equal(Count(summary.GetProperty("sips_sent").GetInt64()), await HeadlineAsync(page, "sips-sent"));
        Assert.Equal(Count(summary.GetProperty("sips_failed").GetInt64()), await HeadlineAsync(page, "sips-failed"));
        var percentage = summary.GetProperty("records_with_sips_percentage").GetDouble().ToString("0.##", CultureInfo.InvariantCulture);
        Assert.Contains($"{percentage} %", await page.Locator("[data-share='records-with-sips']").InnerTextAsync(), StringComparison.Ordinal);

        var csv = await DownloadCsvAsync(page, page.Locator("[data-chart-card='archive-size'] .stats-export-csv"));
        var history = (await PostAsync("sipstore-archive-size-histogram", new() { ["start_date"] = Iso(Today.AddDays(-29)), ["end_date"] = Iso(Today), ["interval"] = "day" }))
            .GetProperty("buckets").EnumerateArray();
        Assert.Equal("date,Archive size (GB),note", csv[0]);
        Assert.Equal(
            history.Select(b => $"{b.GetProperty("date").GetString()![..10]},{Math.Round(b.GetProperty("bytes").GetInt64() / 1e9, 3).ToString("R", CultureInfo.InvariantCulture)},"),
            csv.Skip(1));

        await Axe.AssertNoSeriousViolationsAsync(page);
        await Screenshots.SaveAsync(page, "sip-store");
        Assert.Empty(errors);

        await page.GotoAsync(new Uri(server.BaseAddress, $"/sip-store?{Range}").ToString());
        await Assertions.Expect(page.Locator("[data-headline='sips-sent']")).ToBeAttachedAsync(s_slow);
    }

    [Fact]
    public async Task TheMapPaintsTheCountriesItsLegendHasTheApisRangeAndItsCsvTheApisNumbers()
    {
        var (page, errors) = await OpenAsync($"/map?{Range}");
        var regions = page.Locator("[data-map-id='visitors'] path.jvm-region");
        await Assertions.Expect(page.Locator("[data-map-id='visitors'] path.jvm-region[data-value='yes']").First).ToBeAttachedAsync(s_slow);
        Assert.True(await regions.CountAsync() > 150, "jsvectormap's world map has a path per country");

        var countries = (await PostAsync("countries", new() { ["start_date"] = Iso(Today.AddDays(-29)), ["end_date"] = Iso(Today) }))
            .GetProperty("buckets").EnumerateArray().ToList();
        var known = countries.Where(c => c.GetProperty("country").GetString() != "ZZ").Select(c => c.GetProperty("views").GetInt64()).Where(v => v > 0).ToList();
        Assert.Equal(Count(known.Max()), await page.Locator("[data-map-id='visitors'] .stats-worldmap-max").InnerTextAsync());
        Assert.Equal(Count(known.Min()), await page.Locator("[data-map-id='visitors'] .stats-worldmap-min").InnerTextAsync());

        var csv = await DownloadCsvAsync(page, page.Locator("[data-table='countries'] .stats-export-csv"));
        Assert.Equal("Country,Country code,Views,Unique views,Downloads,Unique downloads", csv[0]);
        Assert.Equal(
            countries.Select(c => string.Join(',', c.GetProperty("country").GetString(), c.GetProperty("views").GetInt64(), c.GetProperty("unique_views").GetInt64(),
                c.GetProperty("downloads").GetInt64(), c.GetProperty("unique_downloads").GetInt64())),
            csv.Skip(1).Select(line => string.Join(',', line.Split(',').Skip(1))));

        // Germany: a country whose middle is its own (the United States' path reaches over the date line).
        var germany = countries.Single(c => c.GetProperty("country").GetString() == "DE");
        var tooltip = page.Locator(".jvm-tooltip.active");
        await PanelBrowser.ActUntilAsync(
            () => page.Locator("[data-map-id='visitors'] path.jvm-region[data-code='DE']").HoverAsync(),
            () => Assertions.Expect(tooltip).ToContainTextAsync("Germany"));
        await Assertions.Expect(tooltip).ToContainTextAsync($"Views: {Count(germany.GetProperty("views").GetInt64())}");
        await Screenshots.SaveAsync(page, "map-tooltip");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await Screenshots.SaveAsync(page, "map");

        await PanelBrowser.NavigateByAsync(page, () => page.Locator("select.stats-map-metric").SelectOptionAsync("downloads"), url => url.Contains("metric=downloads", StringComparison.Ordinal));
        var downloads = countries.Where(c => c.GetProperty("country").GetString() != "ZZ").Max(c => c.GetProperty("downloads").GetInt64());
        await Assertions.Expect(page.Locator("[data-map-id='visitors'] .stats-worldmap-max")).ToHaveTextAsync(Count(downloads));

        await page.GetByLabel("Toggle dark mode").ClickAsync();
        await Assertions.Expect(page.Locator("[data-map-id='visitors'] .stats-worldmap-canvas[data-theme='dark']")).ToBeAttachedAsync(s_slow);
        await Axe.AssertNoSeriousViolationsAsync(page);
        await Screenshots.SaveAsync(page, "map-dark");
        Assert.Empty(errors);
    }

    private async Task<(IPage Page, List<string> Errors)> OpenAsync(string path)
    {
        var page = await browser.NewPageAsync();
        // Charts drawn without their entry animation: axe reads the page as soon as the series are there, not after a pause.
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ReducedMotion = ReducedMotion.Reduce });
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        await PanelBrowser.SignInAsync(page, server.BaseAddress, Admin);
        await page.GotoAsync(new Uri(server.BaseAddress, path).ToString());
        return (page, errors);
    }

    private async Task<string> BusiestCommunityAsync()
    {
        var directory = await server.Services.GetRequiredService<IActivityStats>().CommunitiesAsync(new Period(Today.AddDays(-6), Today), null);
        return directory.Communities.OrderByDescending(c => c.Views).First().Community;
    }

    /// <summary>The API answers a key that reads as an admin what the admin's panels show.</summary>
    private async Task<JsonElement> PostAsync(string stat, Dictionary<string, string> parameters)
    {
        _apiKey ??= (await server.Services.GetRequiredService<ApiKeyService>().CreateAsync("panel browser tests", [ApiScopes.Read], ApiKeyRole.Admin)).Key;
        return await PanelBrowser.QueryAsync(server.BaseAddress, stat, parameters, _apiKey);
    }

    /// <summary>
    /// Clicks an export button and reads the file. A prerendered page shows the button before its circuit is connected,
    /// when a click does nothing yet: the click is repeated until the page is interactive.
    /// </summary>
    private static async Task<IReadOnlyList<string>> DownloadCsvAsync(IPage page, ILocator button)
    {
        IDownload? download = null;
        for (var attempt = 0; download is null; attempt++)
        {
            try
            {
                download = await page.RunAndWaitForDownloadAsync(() => button.ClickAsync(), new PageRunAndWaitForDownloadOptions { Timeout = 3_000 });
            }
            catch (TimeoutException) when (attempt < 10)
            {
            }
        }

        var text = await File.ReadAllTextAsync(await download.PathAsync());
        return text.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
    }

    private static async Task<string> HeadlineAsync(IPage page, string key) =>
        (await page.Locator($"[data-headline='{key}'] .stats-headline-value").InnerTextAsync()).Trim();

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
