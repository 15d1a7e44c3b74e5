using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using MudBlazor;
using MudBlazor.Extensions;
using Stats.Dashboard.Components;
using Stats.Dashboard.Access;
using Stats.Dashboard.Components.Layout;

namespace Stats.Tests.Components.Layout;

public sealed class MainLayoutTests : DashboardTestContext
{
    public MainLayoutTests()
    {
        // "My statistics" is listed to owners of records: these users own one each.
        foreach (var owner in new[] { "admin-1", "user-001", "someone" })
        {
            Usage.Records[$"rec-of-{owner}"] = new Stats.Core.Queries.RecordInfo($"rec-of-{owner}", null, null, owner, Deleted: false);
        }
    }

    [Fact]
    public void NavigationDrawerLinksTheNinePanelsInOrderForAnAdmin()
    {
        SignIn("admin-1", "admin-1", ViewerClaims.AdminRole);
        var cut = RenderLayout();

        var links = cut.FindAll(".mud-drawer a.mud-nav-link");
        Assert.Equal(
            ["/", "/me", "/records", "/communities", "/users", "/circulation", "/sip-store", "/map", "/admin"],
            links.Select(a => a.GetAttribute("href")));
        Assert.Equal(
            ["Overview", "My statistics", "Records", "Communities", "Users", "Circulation", "SIP store", "Map", "Admin"],
            links.Select(a => a.TextContent.Trim()));
    }

    [Fact]
    public void ASignedInOwnerOfRecordsFindsMyStatisticsInTheDrawer()
    {
        SignIn("user-001", "Olga Owner");

        var cut = RenderLayout();

        Assert.Equal("My statistics", cut.Find(".mud-drawer a.mud-nav-link[href='/me']").TextContent.Trim());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WithTheDefaultRulesOthersDoNotSeeCirculationSipStoreOrAdmin(bool signedIn)
    {
        if (signedIn)
        {
            SignIn("someone", "someone", ViewerClaims.CuratorRolePrefix + "hep");
        }

        var cut = RenderLayout();

        Assert.Equal(
            signedIn ? ["/", "/me", "/records", "/communities", "/users", "/map"] : ["/", "/records", "/communities", "/users", "/map"],
            cut.FindAll(".mud-drawer a.mud-nav-link").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public void EveryPanelLinkHasAnIcon()
    {
        var cut = RenderLayout();

        Assert.All(cut.FindAll(".mud-drawer a.mud-nav-link"), a => Assert.NotNull(a.QuerySelector("svg.mud-nav-link-icon")));
    }

    [Fact]
    public void AppBarShowsTheProductName()
    {
        var cut = RenderLayout();

        Assert.Equal("Stats", cut.Find(".mud-appbar .stats-product-name").TextContent.Trim());
    }

    [Fact]
    public void ThemeToggleSwitchesToDarkModeAndCascadesItToThePage()
    {
        var cut = RenderLayout();
        Assert.Equal("Light", cut.Find(".theme-probe").TextContent);

        cut.Find("[data-testid='theme-toggle']").Click();

        Assert.True(cut.FindComponent<MudThemeProvider>().Instance.GetState(x => x.IsDarkMode));
        Assert.Equal("Dark", cut.Find(".theme-probe").TextContent);

        cut.Find("[data-testid='theme-toggle']").Click();

        Assert.False(cut.FindComponent<MudThemeProvider>().Instance.GetState(x => x.IsDarkMode));
        Assert.Equal("Light", cut.Find(".theme-probe").TextContent);
    }

    [Fact]
    public void TheThemeChosenIsKeptInItsCookie()
    {
        var module = JSInterop.SetupModule(MainLayout.ModulePath);
        module.SetupVoid("rememberTheme", _ => true).SetVoidResult();
        var cut = RenderLayout();

        cut.Find("[data-testid='theme-toggle']").Click();

        Assert.Equal([ThemeCookie.Name, "dark"], module.VerifyInvoke("rememberTheme").Arguments);
    }

    [Fact]
    public void APageRequestedWithTheDarkCookieIsDarkFromItsFirstRender()
    {
        var next = Render<CascadingValue<string?>>(p => p
            .Add(c => c.Name, ThemeCookie.Name)
            .Add(c => c.Value, "dark")
            .AddChildContent<MainLayout>(l => l.Add(x => x.Body, builder =>
            {
                builder.OpenComponent<ThemeProbe>(0);
                builder.CloseComponent();
            })));
        Assert.True(next.FindComponent<MudThemeProvider>().Instance.GetState(x => x.IsDarkMode));
        Assert.Equal("Dark", next.Find(".theme-probe").TextContent);
    }

    [Fact]
    public void EveryPageHasOneMainLandmarkAroundItsContent()
    {
        var cut = RenderLayout();

        Assert.Single(cut.FindAll("main"));
        Assert.NotNull(cut.Find("main .theme-probe"));
    }

    [Fact]
    public void MenuButtonTogglesTheDrawer()
    {
        var cut = RenderLayout();
        // Whether the responsive drawer starts open depends on the screen width, which bUnit does not have.
        var wasOpen = cut.FindComponent<MudDrawer>().Instance.GetState(x => x.Open);

        cut.Find(".mud-appbar button[aria-label='Toggle navigation']").Click();
        Assert.Equal(!wasOpen, cut.FindComponent<MudDrawer>().Instance.GetState(x => x.Open));

        cut.Find(".mud-appbar button[aria-label='Toggle navigation']").Click();
        Assert.Equal(wasOpen, cut.FindComponent<MudDrawer>().Instance.GetState(x => x.Open));
    }

    private IRenderedComponent<MainLayout> RenderLayout() =>
        Render<MainLayout>(p => p.Add(l => l.Body, builder =>
        {
            builder.OpenComponent<ThemeProbe>(0);
            builder.CloseComponent();
        }));

    /// <summary>Shows the theme mode the layout cascades to its pages.</summary>
    private sealed class ThemeProbe : ComponentBase
    {
        [CascadingParameter]
        private ThemeMode ThemeMode { get; set; }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            builder.OpenElement(0, "span");
            builder.AddAttribute(1, "class", "theme-probe");
            builder.AddContent(2, ThemeMode.ToString());
            builder.CloseElement();
        }
    }
}
