using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Stats.Dashboard.Components.Layout;

namespace Stats.Tests.Components.Layout;

public sealed class AccountMenuTests : DashboardTestContext
{
    [Fact]
    public void AnonymousViewerSeesSignInLinkBackToThisPage()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("/records?days=30");

        var cut = Render<AccountMenu>();

        Assert.Equal("/account/sign-in?returnUrl=%2Frecords%3Fdays%3D30", cut.Find("[data-testid='sign-in']").GetAttribute("href"));
        Assert.Empty(cut.FindAll("[data-testid='account-menu']"));
    }

    [Fact]
    public void SignedInViewerSeesTheirNameWithMyStatisticsAndASignOutForm()
    {
        Authorization.SetAuthorized("Carl Curator");
        var provider = RenderPopoverProvider();

        var cut = Render<AccountMenu>();
        Assert.Contains("Carl Curator", cut.Find(".stats-account-menu").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid='sign-in']"));

        cut.Find(".stats-account-menu button").Click();

        Assert.Equal("/me", provider.Find("a.mud-menu-item").GetAttribute("href"));
        var form = provider.Find("form.stats-sign-out");
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal("/account/sign-out", form.GetAttribute("action"));
    }
}
