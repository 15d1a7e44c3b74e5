using Microsoft.Playwright;
using Stats.Tests.Browser;

namespace Stats.Tests.Auth;

/// <summary>The dashboard as `dotnet run` starts it (Development, no provider): signing in as a demo user in a real browser.</summary>
[Collection(PanelsBrowserGroup.Name)]
public sealed class DevelopmentSignInPageTests(DashboardServer server, BrowserSession browser)
{
    private static LocatorAssertionsToBeVisibleOptions Patiently => new() { Timeout = 30_000 };

    [Fact]
    public async Task DemoCuratorSignsInFromTheAppBarAndOut()
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
        await page.GotoAsync(new Uri(server.BaseAddress, "/communities").ToString());

        await page.GetByTestId("sign-in").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in as Carl Curator" }).ClickAsync();

        await Assertions.Expect(page.Locator(".stats-account-menu")).ToContainTextAsync("Carl Curator", new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
        Assert.Equal("/communities", new Uri(page.Url).AbsolutePath);
        await AccountMenuPage.OpenAsync(page);
        await PanelBrowser.WaitForAnimationsToEndAsync(page); // the menu's fade-in, for the screenshot
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "account-menu.png") });

        await page.GetByTestId("sign-out").ClickAsync();

        await Assertions.Expect(page.GetByTestId("sign-in")).ToBeVisibleAsync(Patiently);
        Assert.DoesNotContain(await page.Context.CookiesAsync([server.BaseAddress.ToString()]), c => c.Name == ".Stats.Session");
        Assert.Empty(errors); // nothing the content security policy refused, among others
    }
}
