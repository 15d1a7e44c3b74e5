using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Stats.Tests.Browser;

namespace Stats.Tests.Auth;

/// <summary>
/// Signing in for real: Chromium, the dashboard on Kestrel and an OpenID Connect provider (oidc-provider on Node.js),
/// through the provider's login and consent forms and back, then signing out at both ends.
/// </summary>
[Collection(PanelsBrowserGroup.Name)]
public sealed class OidcSignInTests(OidcSignInFixture fixture) : IClassFixture<OidcSignInFixture>
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// How long a step of the sign-in may take: it crosses three processes (Chromium, the provider, the dashboard), each of
    /// which a loaded machine may starve for seconds at a time.
    /// </summary>
    private const float StepTimeoutMs = 90_000;

    private static LocatorAssertionsToBeVisibleOptions Patiently => new() { Timeout = StepTimeoutMs };

    [Fact]
    public async Task AdminSignsInAndTheSessionCarriesTheRolesOfTheGroups()
    {
        var page = await NewPageAsync();

        await SignInAsync(page, "alice", "alice-pw");

        await Assertions.Expect(page.Locator(".stats-account-menu")).ToContainTextAsync("Alice Admin", new LocatorAssertionsToContainTextOptions { Timeout = StepTimeoutMs });
        var me = await MeAsync(page);
        Assert.True(me.IsSignedIn);
        Assert.Equal(("user-alice", "Alice Admin", true), (me.UserId, me.DisplayName, me.IsAdmin));
        Assert.Empty(me.CuratedCommunities);
    }

    [Fact]
    public async Task CuratorGroupBecomesTheCuratedCommunity()
    {
        var page = await NewPageAsync();

        await SignInAsync(page, "carl", "carl-pw", returnPath: "/communities");

        Assert.Equal("/communities", new Uri(page.Url).AbsolutePath);
        var me = await MeAsync(page);
        Assert.Equal(("user-carl", false), (me.UserId, me.IsAdmin));
        Assert.Equal(["hep"], me.CuratedCommunities);
    }

    [Fact]
    public async Task PlainUserHasNoRole()
    {
        var page = await NewPageAsync();

        await SignInAsync(page, "paul", "paul-pw");

        var me = await MeAsync(page);
        Assert.Equal(("user-paul", "Paul Plain", false), (me.UserId, me.DisplayName, me.IsAdmin));
        Assert.Empty(me.CuratedCommunities);
    }

    [Fact]
    public async Task SignOutEndsTheSessionHereAndAtTheProvider()
    {
        var page = await NewPageAsync();
        await SignInAsync(page, "olga", "olga-pw");
        Assert.True((await MeAsync(page)).IsSignedIn);

        await AccountMenuPage.OpenAsync(page);
        await page.GetByTestId("sign-out").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, sign me out" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("sign-in")).ToBeVisibleAsync(Patiently);
        Assert.Equal(fixture.BaseAddress.Authority, new Uri(page.Url).Authority);
        Assert.False((await MeAsync(page)).IsSignedIn);
        Assert.DoesNotContain(await page.Context.CookiesAsync([fixture.BaseAddress.ToString()]), c => c.Name == ".Stats.Session");

        // The provider's session is over too: signing in again asks for the password. The page has just loaded after the
        // sign-out, and on a loaded machine a click can land while its circuit re-renders the app bar and be dropped: like a
        // user, click again until the browser is at the provider.
        await PanelBrowser.NavigateByAsync(
            page,
            () => page.GetByTestId("sign-in").ClickAsync(),
            url => url.StartsWith(fixture.Provider.Issuer.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("input[name=password]")).ToBeVisibleAsync(Patiently);
    }

    [Fact]
    public async Task ExpiringAccessTokenIsRefreshedAndTheSessionGoesOn()
    {
        var page = await NewPageAsync();

        await SignInAsync(page, "rita", "rita-pw");
        var first = await MeAsync(page);
        var second = await MeAsync(page);

        Assert.Contains("refreshed user-rita", fixture.Provider.Output, StringComparison.Ordinal);
        foreach (var me in new[] { first, second })
        {
            Assert.Equal(("user-rita", "Rita Refresh", true), (me.UserId, me.DisplayName, me.IsSignedIn));
            Assert.Equal(["ecology"], me.CuratedCommunities);
        }
    }

    [Fact]
    public async Task ReturnUrlOffTheSiteComesBackToTheOverview()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(new Uri(fixture.BaseAddress, "/account/sign-in?returnUrl=%2F%2Fevil.example%2Fphish").ToString());

        await page.Locator("input[name=login]").FillAsync("paul");
        await page.Locator("input[name=password]").FillAsync("paul-pw");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();

        await Assertions.Expect(page.Locator(".stats-account-menu")).ToBeVisibleAsync(Patiently);
        Assert.Equal(new Uri(fixture.BaseAddress, "/"), new Uri(page.Url));
    }

    [Fact]
    public async Task WithAProviderThereIsNoDevelopmentSignIn()
    {
        var page = await NewPageAsync();
        var options = new APIRequestContextOptions { MaxRedirects = 0 };

        var signIn = await page.Context.APIRequest.GetAsync(new Uri(fixture.BaseAddress, "/account/sign-in").ToString(), options);
        var demo = await page.Context.APIRequest.PostAsync(new Uri(fixture.BaseAddress, "/account/dev-sign-in").ToString(), new APIRequestContextOptions
        {
            MaxRedirects = 0,
            Form = page.Context.APIRequest.CreateFormData().Set("user", "demo-admin"),
        });

        Assert.Equal(302, signIn.Status);
        Assert.StartsWith(fixture.Provider.Issuer.ToString(), signIn.Headers["location"], StringComparison.Ordinal);
        Assert.InRange(demo.Status, 400, 404); // no such endpoint: nothing takes the form
        Assert.False((await MeAsync(page)).IsSignedIn);
    }

    [Fact]
    public async Task RefusedRefreshEndsTheSession()
    {
        var page = await NewPageAsync();

        await SignInAsync(page, "rex", "rex-pw", expectSuccess: false);

        await Assertions.Expect(page.GetByTestId("sign-in")).ToBeVisibleAsync(Patiently);
        Assert.Contains("refused user-rex", fixture.Provider.Output, StringComparison.Ordinal);
        Assert.False((await MeAsync(page)).IsSignedIn);
        Assert.DoesNotContain(await page.Context.CookiesAsync([fixture.BaseAddress.ToString()]), c => c.Name == ".Stats.Session");
    }

    [Theory]
    [InlineData("mallory", "mallory-pw")] // the id token's signature is broken
    [InlineData("eve", "eve-pw")] // the id token is properly signed, but expired an hour ago
    public async Task TamperedOrExpiredIdTokenIsRefusedWithAReadablePage(string user, string password)
    {
        var page = await NewPageAsync();

        await SignInAsync(page, user, password, expectSuccess: false);

        Assert.Equal("/account/sign-in-failed", new Uri(page.Url).AbsolutePath);
        await Assertions.Expect(page.Locator(".stats-sign-in-failed")).ToContainTextAsync("could not be verified", new LocatorAssertionsToContainTextOptions { Timeout = StepTimeoutMs });
        Assert.False((await MeAsync(page)).IsSignedIn);
        Assert.DoesNotContain(await page.Context.CookiesAsync([fixture.BaseAddress.ToString()]), c => c.Name == ".Stats.Session");
    }

    [Theory]
    [InlineData("code")] // the provider refuses to exchange it
    [InlineData("state")] // it no longer matches the correlation cookie
    public async Task TamperedCallbackIsRefusedWithAReadablePage(string parameter)
    {
        var page = await NewPageAsync();
        // Redirects are not routed, so the consent's answer is followed here up to the redirect to the dashboard's
        // callback, which the browser then gets with the parameter altered, as a man in the middle would send it.
        // A failure inside the handler would leave the navigation hanging until the click times out: it is kept, the request
        // aborted, and the failure reported as the test's own.
        Exception? handlerFailure = null;
        await page.RouteAsync(url => url.Contains("/confirm", StringComparison.Ordinal), async route =>
        {
            try
            {
                var patiently = new APIRequestContextOptions { MaxRedirects = 0, Timeout = StepTimeoutMs };
                await using var consent = await route.FetchAsync(new RouteFetchOptions { MaxRedirects = 0, Timeout = StepTimeoutMs });
                var next = new Uri(fixture.Provider.Issuer, consent.Headers["location"]);
                await using var resume = await page.Context.APIRequest.GetAsync(next.ToString(), patiently);
                var callback = resume.Headers["location"];
                Assert.Contains("/signin-oidc?", callback, StringComparison.Ordinal);
                var tampered = Regex.Replace(callback, $"([?&]{parameter}=)([^&]+)", m => m.Groups[1].Value + "x" + m.Groups[2].Value[1..]);
                Assert.NotEqual(callback, tampered);
                await route.FulfillAsync(new RouteFulfillOptions { Status = 303, Headers = new Dictionary<string, string> { ["Location"] = tampered } });
            }
            catch (Exception ex)
            {
                handlerFailure = ex;
                await route.AbortAsync();
            }
        });

        try
        {
            await SignInAsync(page, "alice", "alice-pw", expectSuccess: false);
        }
        catch (Exception) when (handlerFailure is not null)
        {
            throw new InvalidOperationException("Tampering with the provider's redirect failed.", handlerFailure);
        }

        Assert.Equal("/account/sign-in-failed", new Uri(page.Url).AbsolutePath);
        await Assertions.Expect(page.Locator(".stats-sign-in-failed")).ToContainTextAsync("could not be verified", new LocatorAssertionsToContainTextOptions { Timeout = StepTimeoutMs });
        Assert.False((await MeAsync(page)).IsSignedIn);
    }

    [Fact]
    public async Task WrongPasswordStaysAtTheProvider()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(new Uri(fixture.BaseAddress, "/account/sign-in?returnUrl=%2F").ToString());

        await page.Locator("input[name=login]").FillAsync("alice");
        await page.Locator("input[name=password]").FillAsync("guess");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Wrong username or password", new LocatorAssertionsToContainTextOptions { Timeout = StepTimeoutMs });
        Assert.Equal(fixture.Provider.Issuer.Authority, new Uri(page.Url).Authority);
        Assert.False((await MeAsync(page)).IsSignedIn);
    }

    private async Task<IPage> NewPageAsync()
    {
        var page = await fixture.Browser.NewPageAsync();
        page.SetDefaultTimeout(StepTimeoutMs);
        page.SetDefaultNavigationTimeout(StepTimeoutMs);
        return page;
    }

    /// <summary>From a dashboard page, through the "Sign in" button, the provider's login and consent forms, and back.</summary>
    private async Task SignInAsync(IPage page, string user, string password, string returnPath = "/", bool expectSuccess = true)
    {
        await page.GotoAsync(new Uri(fixture.BaseAddress, returnPath).ToString());
        await Assertions.Expect(page.GetByTestId("sign-in")).ToBeVisibleAsync(Patiently);
        await page.GetByTestId("sign-in").ClickAsync();

        await page.Locator("input[name=login]").FillAsync(user);
        await page.Locator("input[name=password]").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();

        // Back at the dashboard; what it shows is awaited by the assertions, not by the load event.
        await page.WaitForURLAsync(
            url => url.StartsWith(fixture.BaseAddress.ToString(), StringComparison.Ordinal) && !url.Contains("/signin-oidc", StringComparison.Ordinal),
            new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit, Timeout = StepTimeoutMs });
        if (expectSuccess)
        {
            Assert.Equal(returnPath, new Uri(page.Url).AbsolutePath);
            await Assertions.Expect(page.Locator(".stats-account-menu")).ToBeVisibleAsync(Patiently);
        }
    }

    /// <summary>Who the dashboard says the browser's session is (<c>GET /account/me</c>, with the page's cookies).</summary>
    private async Task<Viewer> MeAsync(IPage page)
    {
        var response = await page.Context.APIRequest.GetAsync(new Uri(fixture.BaseAddress, "/account/me").ToString());
        Assert.True(response.Ok, $"GET /account/me: {response.Status}");
        return JsonSerializer.Deserialize<Viewer>(await response.TextAsync(), s_json)!;
    }
}
