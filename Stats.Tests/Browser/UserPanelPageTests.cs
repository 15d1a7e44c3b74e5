using Microsoft.Playwright;

namespace Stats.Tests.Browser;

/// <summary>The user panel and "My statistics" in a real browser, on the demo data.</summary>
[Collection(PanelsBrowserGroup.Name)]
public sealed class UserPanelPageTests(DashboardServer server, BrowserSession browser)
{
    // One of the demo's five owners (user-001 to user-005), each with records used every day.
    private const string Owner = "user-001";

    [Fact]
    public async Task UserPanelDrawsItsChartFollowsThePeriodAndExportsWhatTheApiAnswers()
    {
        var page = await browser.NewPageAsync();
        var errors = await PanelBrowser.OpenAsync(page, new Uri(server.BaseAddress, $"/users/{Owner}?period=30d&interval=day"));
        var chartId = $"user-usage-{Owner}";
        await PanelBrowser.ExpectChartDrawnAsync(page, chartId);
        var views30 = await PanelBrowser.HeadlineAsync(page, "views");

        await PanelBrowser.NavigateByAsync(page, () => page.Locator("select.stats-period-preset").SelectOptionAsync("7d"), url => url.Contains("period=7d", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator(".stats-period-description")).ToContainTextAsync("Last 7 days");
        await Assertions.Expect(page.Locator("[data-headline='views'] .stats-headline-value")).Not.ToHaveTextAsync(views30);
        await PanelBrowser.ExpectChartDrawnAsync(page, chartId);

        var (fileName, csv) = await PanelBrowser.DownloadAsync(page, page.Locator($"[data-chart-card='{chartId}'] .stats-export-csv"));
        Assert.Equal($"{chartId}.csv", fileName);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var api = await PanelBrowser.QueryAsync(server.BaseAddress, "user-stats-histogram", new Dictionary<string, string>
        {
            ["owner_id"] = Owner, ["start_date"] = PanelBrowser.Iso(today.AddDays(-6)), ["end_date"] = PanelBrowser.Iso(today), ["interval"] = "day",
        });
        var rows = PanelBrowser.ParseCsv(csv);
        Assert.Equal(["date", "Views", "Unique views", "Downloads", "Unique downloads", "note"], rows[0]);
        // The demo has no notes on the charts: the note column is empty.
        Assert.Equal(PanelBrowser.HistogramRows(api, "views", "unique_views", "downloads", "unique_downloads").Select(r => (string[])[.. r, ""]), rows.Skip(1));

        await Axe.AssertNoSeriousViolationsAsync(page);
        await Screenshots.SaveAsync(page, "user");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task MyStatisticsAsksAnonymousVisitorsToSignIn()
    {
        var page = await browser.NewPageAsync();
        await PanelBrowser.OpenAsync(page, new Uri(server.BaseAddress, "/me"));

        await Assertions.Expect(page.Locator(".stats-me-sign-in-link")).ToHaveAttributeAsync("href", "/account/sign-in?returnUrl=/me");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await Screenshots.SaveAsync(page, "me-anonymous");
    }

    [Fact]
    public async Task UsersListRanksTheDemoOwnersAndOpensOne()
    {
        var page = await browser.NewPageAsync();
        // The ranking of owners is for signed-in users (the owner-rankings family's default).
        await PanelBrowser.SignInAsync(page, server.BaseAddress, "Paul Plain");
        var errors = await PanelBrowser.OpenAsync(page, new Uri(server.BaseAddress, "/users?period=all&interval=month"));
        var rows = page.Locator("[data-table='top-owners'] tbody tr");
        await Assertions.Expect(rows.First).ToBeAttachedAsync(PanelBrowser.Patient);
        await Axe.AssertNoSeriousViolationsAsync(page);
        await Screenshots.SaveAsync(page, "users");

        await PanelBrowser.NavigateByAsync(page, () => rows.First.Locator("a").ClickAsync(), url => url.Contains("/users/user-", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("[data-headline='views']")).ToBeVisibleAsync();
        Assert.Empty(errors);
    }
}
