namespace Stats.Tests.Browser;

/// <summary>
/// The browser tests share one dashboard (demo data seeded once) and one Chromium, and run one class after the other (the
/// sign-in flows too, with their own provider and server): on a two-core machine, browsers and servers working at once made
/// pages miss their timeouts.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PanelsBrowserGroup : ICollectionFixture<DashboardServer>, ICollectionFixture<BrowserSession>
{
    public const string Name = "Panels in a browser";
}
