using Microsoft.Playwright;

namespace Stats.Tests.Auth;

/// <summary>The app bar's account menu, driven in a browser.</summary>
public static class AccountMenuPage
{
    /// <summary>
    /// Opens the menu. Its button only works once the page's circuit is interactive (the first render is prerendered
    /// HTML), so the click is repeated until the menu opens.
    /// </summary>
    public static async Task OpenAsync(IPage page)
    {
        var item = page.GetByRole(AriaRole.Menuitem, new() { Name = "My statistics" });
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await page.Locator(".stats-account-menu button").ClickAsync();
            try
            {
                await item.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 1_000 });
                return;
            }
            catch (TimeoutException) when (DateTime.UtcNow < deadline)
            {
            }
        }
    }
}
