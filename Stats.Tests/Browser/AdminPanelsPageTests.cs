using Microsoft.Playwright;

namespace Stats.Tests.Browser;

/// <summary>
/// What the demo admin, signed in through the Development sign-in, sees on the panels: the pipeline's health on the Overview,
/// and "My statistics".
/// </summary>
[Collection(PanelsBrowserGroup.Name)]
public sealed class AdminPanelsPageTests(DashboardServer server, BrowserSession browser)
{
    private async Task<IPage> SignedInPageAsync()
    {
        var page = await browser.NewPageAsync();
        await PanelBrowser.SignInAsync(page, server.BaseAddress, "Ada Admin");
        return page;
    }

    [Fact]
    public async Task AdminsSeeThePipelinesHealthOnTheOverview()
    {
        var page = await SignedInPageAsync();
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
        var page = await SignedInPageAsync();
        var errors = await PanelBrowser.OpenAsync(page, new Uri(server.BaseAddress, "/me?period=all&interval=month"));

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("My statistics");
        await Assertions.Expect(page.Locator(".stats-panel-subtitle")).ToContainTextAsync("demo-admin");
        await Assertions.Expect(page.Locator("[data-headline='views'] .stats-headline-value")).ToHaveTextAsync("0");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await Screenshots.SaveAsync(page, "me");
        Assert.Empty(errors);
    }
}
