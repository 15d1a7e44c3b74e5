using Microsoft.Playwright;

namespace Stats.Tests.Browser;

/// <summary>The Overview page in a real browser, on a dashboard started as a newcomer starts it.</summary>
public sealed class OverviewPageTests(DashboardServer server, BrowserSession browser)
    : IClassFixture<DashboardServer>, IClassFixture<BrowserSession>
{
    [Fact]
    public async Task OverviewShowsAChartOfTheDemoData()
    {
        var page = await browser.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };

        await page.GotoAsync(server.BaseAddress.ToString());

        // ApexCharts draws one SVG path group per series once the circuit has delivered the data.
        var series = page.Locator(".stats-apexchart .apexcharts-series");
        await Assertions.Expect(series.First).ToBeAttachedAsync(new LocatorAssertionsToBeAttachedOptions { Timeout = 30_000 });
        Assert.True(await series.CountAsync() >= 2, "the chart draws the views of the period and, behind them, of the previous one");

        // Names people read, one metric at a time: no event type's raw name, no library or archive traffic stacked on usage.
        var legend = await page.Locator(".stats-apexchart .apexcharts-legend").InnerTextAsync();
        Assert.Contains("Views", legend, StringComparison.Ordinal);
        Assert.DoesNotContain("record-view", legend, StringComparison.Ordinal);
        Assert.DoesNotContain("loan", legend, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(errors);

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "overview.png"), FullPage = true });
    }

    [Fact]
    public async Task OneVisitRunsTheOverviewQueryOnceNotOncePerRenderMode()
    {
        var page = await browser.NewPageAsync();
        var before = server.OverviewQueries.Count;

        await page.GotoAsync(server.BaseAddress.ToString());
        // The chart is drawn by the interactive render, after the prerender: by then both render modes have run what they
        // run, and a second query would already be counted.
        await Assertions.Expect(page.Locator(".stats-apexchart .apexcharts-series").First).ToBeAttachedAsync(new LocatorAssertionsToBeAttachedOptions { Timeout = 30_000 });

        Assert.Equal(1, server.OverviewQueries.Count - before);
    }

    [Fact]
    public async Task NavigationDrawerListsThePanelsAnAnonymousVisitorMayOpen()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(server.BaseAddress.ToString());

        foreach (var panel in new[] { "Overview", "Records", "Communities", "Users", "Map" })
        {
            await Assertions.Expect(page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = panel, Exact = true })).ToBeVisibleAsync();
        }

        // Circulation, the SIP store and the Admin page are for admins by default (the authorization matrix checks every viewer).
        foreach (var panel in new[] { "Circulation", "SIP store", "Admin" })
        {
            await Assertions.Expect(page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = panel, Exact = true })).ToHaveCountAsync(0);
        }
    }
}
