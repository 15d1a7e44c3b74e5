using Bunit;
using Stats.Dashboard.Components.Layout;

namespace Stats.Tests.Components.Pages;

public sealed class PanelPlaceholderTests : DashboardTestContext
{
    public static TheoryData<Type, string> PanelPages { get; } = new()
    {
        { typeof(Stats.Dashboard.Components.Pages.Records.Records), "Records" },
        { typeof(Stats.Dashboard.Components.Pages.Communities.Communities), "Communities" },
        { typeof(Stats.Dashboard.Components.Pages.Users.Users), "Users" },
        { typeof(Stats.Dashboard.Components.Pages.Circulation.Circulation), "Circulation" },
        { typeof(Stats.Dashboard.Components.Pages.SipStore.SipStore), "SIP store" },
        { typeof(Stats.Dashboard.Components.Pages.Map.Map), "Map" },
    };

    [Theory]
    [MemberData(nameof(PanelPages))]
    public void PanelsNotBuiltYetSayWhatTheyWillShowAndShowNoData(Type page, string title)
    {
        // Circulation and the SIP store are for admins by default.
        SignInAs("admin-1", Stats.Dashboard.Access.ViewerClaims.AdminRole);
        var cut = Render(builder =>
        {
            builder.OpenComponent(0, page);
            builder.CloseComponent();
        });

        Assert.Equal(title, cut.Find("h1").TextContent.Trim());
        var notice = cut.Find(".stats-panel-placeholder");
        Assert.Contains("not built yet", notice.TextContent);
        Assert.True(notice.TextContent.Length > 80, "The notice says what the panel will show.");
        Assert.Empty(cut.FindAll(".stats-apexchart"));
        Assert.Empty(cut.FindAll("table"));
    }

    [Fact]
    public void EveryPanelOfTheDrawerHasAPage()
    {
        var routes = typeof(Stats.Dashboard.Components.App).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes(typeof(Microsoft.AspNetCore.Components.RouteAttribute), inherit: false))
            .Cast<Microsoft.AspNetCore.Components.RouteAttribute>()
            .Select(r => r.Template)
            .ToHashSet(StringComparer.Ordinal);

        Assert.All(NavPanels.All, panel => Assert.Contains(panel.Href, routes));
    }
}
