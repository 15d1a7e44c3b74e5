using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Stats.Core.Access;

namespace Stats.Tests.Browser;

/// <summary>
/// The embeds as another site uses them: a page on another loopback origin, under its own content security policy, frames
/// the three embeds, shows a badge and runs embed.js. Nothing of Blazor comes with them (no circuit, no websocket).
/// </summary>
[Collection(PanelsBrowserGroup.Name)]
public sealed class EmbedPageTests(DashboardServer server, BrowserSession browser)
{
    // One of the demo's communities and one of its owners.
    private const string Community = "ecology";
    private const string Owner = "user-001";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnotherSiteFramesTheEmbedsShowsABadgeAndRunsTheScriptWithoutErrorsOrWebsocket()
    {
        var ranking = await PanelBrowser.QueryAsync(server.BaseAddress, "records-popular", new Dictionary<string, string> { ["size"] = "2" });
        var open = ranking.GetProperty("records")[0].GetProperty("recid").GetString()!;
        var closed = ranking.GetProperty("records")[1].GetProperty("recid").GetString()!;
        var rules = server.Services.GetRequiredService<AccessRuleStore>();
        await rules.SetAsync(RuleTarget.Record(closed), StatFamily.Usage, Audience.Owners, "embed-test", Cancellation);
        try
        {
            var dashboard = server.BaseAddress.ToString().TrimEnd('/');
            server.HostSite.Page = (
                $"""
                <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>A record page</title></head><body>
                <h1>A repository's record page</h1>
                <iframe id="record" title="Record usage" src="{dashboard}/embed/records/{open}?period=all" width="320" height="220"></iframe>
                <iframe id="community" title="Community usage" src="{dashboard}/embed/communities/{Community}?theme=dark&amp;lang=fr" width="320" height="220"></iframe>
                <iframe id="user" title="User usage" src="{dashboard}/embed/users/{Owner}?period=all&amp;metrics=views,downloads" width="320" height="220"></iframe>
                <iframe id="closed" title="Closed record usage" src="{dashboard}/embed/records/{closed}" width="320" height="220"></iframe>
                <img id="badge" src="{dashboard}/badge/records/{open}/downloads.svg" alt="Downloads">
                <div id="script-open" data-stats-record="{open}" data-stats-period="all"></div>
                <div id="script-closed" data-stats-record="{closed}"></div>
                <script src="{dashboard}/embed.js" async></script>
                </body></html>
                """,
                $"default-src 'none'; frame-src {dashboard}; img-src {dashboard}; script-src {dashboard}; connect-src {dashboard}");
            var page = await browser.NewPageAsync(width: 1100, height: 800);
            var sockets = new List<string>();
            page.WebSocket += (_, socket) => sockets.Add(socket.Url);
            var errors = new List<string>();
            page.PageError += (_, error) => errors.Add(error);
            var views = (await PanelBrowser.QueryAsync(server.BaseAddress, "record-view", new Dictionary<string, string> { ["recid"] = open })).GetProperty("views").GetInt64();

            errors.AddRange(await PanelBrowser.OpenAsync(page, new Uri(server.HostSite.Origin)));

            var patient = new LocatorAssertionsToHaveTextOptions { Timeout = 30_000 };
            await Assertions.Expect(page.FrameLocator("#record").Locator("[data-embed=views] dd")).ToHaveTextAsync(
                new System.Text.RegularExpressions.Regex("^" + views.ToString("N0", CultureInfo.InvariantCulture)), patient);
            await Assertions.Expect(page.FrameLocator("#record").Locator("svg.spark polyline")).ToBeAttachedAsync(PanelBrowser.Patient);
            await Assertions.Expect(page.FrameLocator("#community").Locator("[data-embed=views] dt")).ToHaveTextAsync("Vues", patient);
            await Assertions.Expect(page.FrameLocator("#user").Locator("[data-embed=downloads] dd")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9,]+$"), patient);
            await Assertions.Expect(page.FrameLocator("#closed").Locator("main")).ToContainTextAsync("Statistics not public", new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("#script-open [data-embed=views] dd")).ToHaveTextAsync(
                new System.Text.RegularExpressions.Regex("^" + views.ToString("N0", CultureInfo.InvariantCulture)), patient);
            await Assertions.Expect(page.Locator("#script-closed")).ToHaveAttributeAsync("data-stats-drawn", "not-public", new LocatorAssertionsToHaveAttributeOptions { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("#badge")).ToHaveJSPropertyAsync("complete", true);

            Assert.True(await page.Locator("#badge").EvaluateAsync<int>("img => img.naturalWidth") > 40);
            Assert.Equal(0, await page.FrameLocator("#closed").Locator("[data-embed]").CountAsync());
            Assert.DoesNotMatch("[0-9]", await page.FrameLocator("#closed").Locator("main").InnerTextAsync());
            Assert.Equal(0, await page.Locator("#script-closed [data-embed]").CountAsync());
            await Screenshots.SaveAsync(page, "embeds-on-another-site");
            Assert.Empty(sockets);
            Assert.Empty(errors);
        }
        finally
        {
            await rules.SetAsync(RuleTarget.Record(closed), StatFamily.Usage, null, "embed-test", Cancellation);
        }
    }

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task AnEmbedHasNoSeriousAccessibilityFindingAt300PixelsWide(string theme)
    {
        var ranking = await PanelBrowser.QueryAsync(server.BaseAddress, "records-popular", new Dictionary<string, string> { ["size"] = "1" });
        var recid = ranking.GetProperty("records")[0].GetProperty("recid").GetString()!;
        var page = await browser.NewPageAsync(width: 300, height: 260);

        var errors = await PanelBrowser.OpenAsync(page, new Uri(server.BaseAddress, $"/embed/records/{recid}?theme={theme}&period=30d"));

        await Assertions.Expect(page.Locator("[data-embed=views] dd")).ToBeVisibleAsync();
        // Readable at 300 px: nothing wider than the frame, so nothing scrolls sideways.
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 300"));
        await Axe.AssertNoSeriousViolationsAsync(page);
        await Screenshots.SaveAsync(page, $"embed-record-{theme}");
        Assert.Empty(errors);
    }
}
