using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Data;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Auth;

/// <summary>The sign-in and sign-out endpoints in Development without a provider: the demo-user picker, the return URL guard, CSRF.</summary>
public sealed partial class AccountEndpointsTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignInPageOffersTheDemoUsersInDevelopmentWithoutAProvider()
    {
        using var client = NewClient();

        var page = await client.GetStringAsync("/account/sign-in?returnUrl=%2Frecords", Cancellation);

        foreach (var user in new[] { "demo-admin", "demo-curator", "user-001", "demo-user" })
        {
            Assert.Contains($"value=\"{user}\"", page, StringComparison.Ordinal);
        }

        Assert.Contains("name=\"returnUrl\" value=\"/records\"", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("demo-admin", "Ada Admin", true, new string[0])]
    [InlineData("demo-curator", "Carl Curator", false, new[] { "hep" })]
    [InlineData("user-001", "Olga Owner", false, new string[0])]
    public async Task DemoUserSignsInWithTheCanonicalClaims(string user, string name, bool admin, string[] curated)
    {
        using var client = NewClient();

        var signedIn = await SignInAsync(client, user, "/records");
        var me = await client.GetFromJsonAsync<Viewer>("/account/me", Cancellation);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/records", signedIn.Headers.Location?.OriginalString);
        Assert.NotNull(me);
        Assert.True(me.IsSignedIn);
        Assert.Equal((user, name, admin), (me.UserId, me.DisplayName, me.IsAdmin));
        Assert.Equal(curated, me.CuratedCommunities);
    }

    [Fact]
    public async Task SessionCookieIsHttpOnlyAndLax()
    {
        using var client = NewClient();

        var signedIn = await SignInAsync(client, "demo-user", "/");

        var cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".Stats.Session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase); // plain HTTP here; Secure over HTTPS
    }

    [Fact]
    public async Task SessionCookieIsSecureOverHttps()
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            HandleCookies = true,
            BaseAddress = new Uri("https://localhost"),
        });

        var signedIn = await SignInAsync(client, "demo-user", "/");

        var cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".Stats.Session=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("/\t/evil.example")]
    [InlineData("evil.example")]
    public async Task ReturnUrlOffTheSiteLandsOnTheOverview(string returnUrl)
    {
        using var client = NewClient();

        var page = await client.GetStringAsync("/account/sign-in?returnUrl=" + Uri.EscapeDataString(returnUrl), Cancellation);
        var signedIn = await SignInAsync(client, "demo-user", returnUrl);

        Assert.Contains("name=\"returnUrl\" value=\"/\"", page, StringComparison.Ordinal);
        Assert.Equal("/", signedIn.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task AnOwnerOfRecordsLandsOnMyStatisticsFromTheStartPageButKeepsAnyOtherPageAndOthersLandWhereTheyStarted()
    {
        await using (var seed = new AggregateSeed(factory.Services.GetRequiredService<IDbContextFactory<StatsDbContext>>()))
        {
            await seed.RecordAsync("landing-owned", owner: "user-001");
        }

        using var owner = NewClient();
        using var ownerElsewhere = NewClient();
        using var plain = NewClient();

        Assert.Equal("/me", (await SignInAsync(owner, "user-001", "/")).Headers.Location?.OriginalString);
        Assert.Equal("/records?period=7d", (await SignInAsync(ownerElsewhere, "user-001", "/records?period=7d")).Headers.Location?.OriginalString);
        Assert.Equal("/", (await SignInAsync(plain, "demo-user", "/")).Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task SignOutWithoutAnAntiforgeryTokenIsRefusedAndTheSessionContinues()
    {
        using var client = NewClient();
        await SignInAsync(client, "demo-admin", "/");

        using var forged = await client.PostAsync("/account/sign-out", new FormUrlEncodedContent(new Dictionary<string, string> { ["returnUrl"] = "/" }), Cancellation);
        var me = await client.GetFromJsonAsync<Viewer>("/account/me", Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.True(me!.IsSignedIn);
    }

    [Fact]
    public async Task SignOutWithTheTokenEndsTheSession()
    {
        using var client = NewClient();
        await SignInAsync(client, "demo-admin", "/");
        var token = TokenOf(await client.GetStringAsync("/account/sign-in", Cancellation));

        using var signedOut = await client.PostAsync("/account/sign-out", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["returnUrl"] = "/records",
            ["__RequestVerificationToken"] = token,
        }), Cancellation);
        var me = await client.GetFromJsonAsync<Viewer>("/account/me", Cancellation);

        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal("/records", signedOut.Headers.Location?.OriginalString);
        Assert.Contains(signedOut.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".Stats.Session=;", StringComparison.Ordinal));
        Assert.False(me!.IsSignedIn);
    }

    [Fact]
    public async Task DevelopmentSignInRefusesAnUnknownUser()
    {
        using var client = NewClient();

        var response = await SignInAsync(client, "root", "/");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("/ré", "/r%C3%A9")]
    [InlineData("/plain?x=1", "/plain?x=1")]
    [InlineData("//évil.example", "/")]
    public void SignInAndSignOutSendNonAsciiReturnUrlsPercentEncoded(string returnUrl, string expected) =>
        Assert.Equal(expected, Stats.Dashboard.Auth.AccountEndpoints.LocalReturnUrl(returnUrl));

    [Theory]
    [InlineData("/récords/é", "/r%C3%A9cords/%C3%A9")]
    [InlineData("/記録?q=ü", "/%E8%A8%98%E9%8C%B2?q=%C3%BC")]
    public async Task ANonAsciiReturnUrlIsFollowedPercentEncoded(string returnUrl, string location)
    {
        using var client = NewClient();

        var signedIn = await SignInAsync(client, "demo-user", returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(location, signedIn.Headers.Location?.OriginalString);
    }

        private HttpClient NewClient() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string user, string returnUrl)
    {
        var token = TokenOf(await client.GetStringAsync("/account/sign-in", Cancellation));
        return await client.PostAsync("/account/dev-sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["user"] = user,
            ["returnUrl"] = returnUrl,
            ["__RequestVerificationToken"] = token,
        }), Cancellation);
    }

    private static string TokenOf(string page) => WebUtility.HtmlDecode(TokenPattern().Match(page) is { Success: true } match
        ? match.Groups[1].Value
        : throw new InvalidOperationException("The page has no antiforgery token."));

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
