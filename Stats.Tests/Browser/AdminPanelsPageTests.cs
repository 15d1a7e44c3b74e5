using Microsoft.Playwright;

namespace Stats.Tests.Browser;

/// <summary>What a signed-in admin sees on the panels: the pipeline's health on the Overview, and "My statistics".</summary>
public sealed class AdminPanelsPageTests(AdminDashboardServer server, BrowserSession browser)
    : IClassFixture<AdminDashboardServer>, IClassFixture<BrowserSession>
{
    [Fact]
    public async Task AdminsSeeThePipelinesHealthOnTheOverview()
    {
        var page = await browser.NewPageAsync();
        var errors = await PanelBrowser.OpenAsync(page, server.BaseAddress);

        await Assertions.Expect(page.Locator(".stats-pipeline-health [data-pipeline='last-run']")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 30_000 });
        // The demo seed ends with an aggregation run.
        await Assertions.Expect(page.Locator(".stats-pipeline-health [data-pipeline='last-success']")).Not.ToHaveTextAsync("never");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await Screenshots.SaveAsync(page, "overview-admin");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task MyStatisticsShowsTheSignedInUsersOwnPanel()
    {
        var page = await browser.NewPageAsync();
        var errors = await PanelBrowser.OpenAsync(page, new Uri(server.BaseAddress, "/me?period=all&interval=month"));

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("My statistics");
        await Assertions.Expect(page.Locator(".stats-panel-subtitle")).ToContainTextAsync("test-admin");
        await Assertions.Expect(page.Locator("[data-headline='views'] .stats-headline-value")).ToHaveTextAsync("0");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await Screenshots.SaveAsync(page, "me");
        Assert.Empty(errors);
    }
}
