namespace Stats.Tests.Browser;

/// <summary>
/// The panels' browser tests share one dashboard (demo data seeded once) and one Chromium, and run one class after the
/// other: four servers seeding at once on a small machine made the charts miss their timeouts.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PanelsBrowserGroup : ICollectionFixture<DashboardServer>, ICollectionFixture<BrowserSession>
{
    public const string Name = "Panels in a browser";
}
