using Microsoft.Playwright;

namespace Stats.Tests.Browser;

/// <summary>The Map panel in a real browser, on the demo data.</summary>
public sealed class MapPageTests(DashboardServer server, BrowserSession browser)
    : IClassFixture<DashboardServer>, IClassFixture<BrowserSession>
{
    [Fact]
    public async Task TheMapPaintsTheCountriesAndItsLegendShowsTheScale()
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

        await page.GotoAsync(new Uri(server.BaseAddress, "/map?period=all").ToString());

        var regions = page.Locator(".stats-worldmap-canvas path.jvm-region");
        await Assertions.Expect(regions.First).ToBeAttachedAsync(new LocatorAssertionsToBeAttachedOptions { Timeout = 30_000 });
        Assert.True(await regions.CountAsync() > 150, "jsvectormap's world map has a path per country");
        Assert.True(await page.Locator(".stats-worldmap-canvas path.jvm-region[data-value='yes']").CountAsync() > 0, "the demo data has visitors");
        await Assertions.Expect(page.Locator(".stats-worldmap-max")).Not.ToBeEmptyAsync();
        Assert.Empty(errors);

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "map.png"), FullPage = true });
    }
}
