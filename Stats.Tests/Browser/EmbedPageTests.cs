using Microsoft.Playwright;

namespace Stats.Tests.Browser;

/// <summary>The embeddable widgets in a real browser: inside an iframe, without the dashboard's chrome.</summary>
[Collection(PanelsBrowserGroup.Name)]
public sealed class EmbedPageTests(DashboardServer server, BrowserSession browser)
{
    [Fact]
    public async Task RecordWidgetShowsTheApisAllTimeNumbersWithoutNavigation()
    {
        var ranking = await PanelBrowser.QueryAsync(server.BaseAddress, "records-popular", new Dictionary<string, string> { ["size"] = "1" });
        var recid = ranking.GetProperty("records")[0].GetProperty("recid").GetString()!;
        var views = await PanelBrowser.QueryAsync(server.BaseAddress, "record-view", new Dictionary<string, string> { ["recid"] = recid });
        var page = await browser.NewPageAsync(width: 420, height: 240);
        var errors = await PanelBrowser.OpenAsync(page, new Uri(server.BaseAddress, $"/embed/records/{recid}"));

        await Assertions.Expect(page.Locator("[data-embed='views'] dd")).ToHaveTextAsync(views.GetProperty("views").GetInt64().ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0, await page.Locator(".mud-drawer, .mud-appbar").CountAsync());
        await Axe.AssertNoSeriousViolationsAsync(page);
        await Screenshots.SaveAsync(page, "embed-record");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task CommunityWidgetWorksInsideAnIframe()
    {
        // One of the demo's communities.
        const string community = "ecology";
        var views = await PanelBrowser.QueryAsync(server.BaseAddress, "community-views", new Dictionary<string, string> { ["community"] = community });
        var page = await browser.NewPageAsync(width: 600, height: 320);

        // The host page on the dashboard's own origin: which other origins may frame the widgets is the frame-ancestors
        // policy's business (the authentication settings), not the widget's.
        await page.GotoAsync(new Uri(server.BaseAddress, "/healthz").ToString());
        await page.SetContentAsync(
            $"""<html lang="en"><head><title>Host</title></head><body><h1>A repository page</h1><iframe title="Usage statistics" src="{server.BaseAddress}embed/communities/{community}" width="360" height="170" style="border:0"></iframe></body></html>""");

        var frame = page.FrameLocator("iframe");
        await Assertions.Expect(frame.Locator("[data-embed='views'] dd")).ToHaveTextAsync(
            views.GetProperty("views").GetInt64().ToString("N0", System.Globalization.CultureInfo.InvariantCulture), new LocatorAssertionsToHaveTextOptions { Timeout = 30_000 });
        await Screenshots.SaveAsync(page, "embed-community-in-iframe");
    }
}
