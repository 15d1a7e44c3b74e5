using Microsoft.Playwright;

namespace Stats.Tests.Browser;

/// <summary>
/// Issue 20 item 6: every page, as an admin sees it (every section open), in light and in dark, has no serious or critical axe
/// finding and all its content in landmarks, one of them <c>main</c>.
/// </summary>
[Collection(PanelsBrowserGroup.Name)]
public sealed class AccessibilityPageTests(DashboardServer server, BrowserSession browser)
{
    private static readonly string[] s_pages =
    [
        "/", "/communities", "/communities/hep", "/records", "/users", "/users/user-001", "/me", "/map", "/circulation",
        "/sip-store", "/admin", "/help",
    ];

    [Theory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public async Task EveryPageHasItsContentInLandmarksAndNoSeriousFinding(ColorScheme scheme)
    {
        var page = await browser.NewPageAsync(1440, 900);
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = scheme, ReducedMotion = ReducedMotion.Reduce });
        await PanelBrowser.SignInAsync(page, server.BaseAddress, "Ada Admin");
        var record = (await PanelBrowser.QueryAsync(server.BaseAddress, "records-popular", new Dictionary<string, string> { ["size"] = "1" }))
            .GetProperty("records")[0].GetProperty("recid").GetString()!;

        foreach (var path in s_pages.Append($"/records/{Uri.EscapeDataString(record)}"))
        {
            await page.GotoAsync(new Uri(server.BaseAddress, path).ToString());
            // Loaded: the page's title is there and no section is still a skeleton.
            await Assertions.Expect(page.Locator("main h1").First).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 60_000 });
            await Assertions.Expect(page.Locator("main .mud-skeleton")).ToHaveCountAsync(0, new LocatorAssertionsToHaveCountOptions { Timeout = 60_000 });

            await Axe.AssertNoSeriousViolationsAsync(page);
        }
    }
}
