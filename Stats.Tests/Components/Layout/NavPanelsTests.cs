using Stats.Dashboard.Components.Layout;

namespace Stats.Tests.Components.Layout;

public sealed class NavPanelsTests
{
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
