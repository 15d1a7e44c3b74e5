using AngleSharp.Dom;
using Bunit;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Pages.Communities;
using Stats.Dashboard.Components.Pages.Map;
using Stats.Dashboard.Components.Pages.Records;
using Stats.Dashboard.Components.Pages.Users;

namespace Stats.Tests.Components.Pages;

/// <summary>Walks every link of the panels that opens another panel: each keeps the period and the interval of the one it leaves.</summary>
public sealed class PanelLinksTests : PanelPageTestContext
{
    private const string Query = "period=12m&interval=week";

    public PanelLinksTests()
    {
        SignInAsAdmin();
        UsageQueries.Totals = new UsageCounts(300, 250, 40, 30, 5_000_000);
        UsageQueries.History = Days((Today, new UsageCounts(200, 160, 30, 21, 0)));
        UsageQueries.TopRecords = new RecordRanking("views", [new RankedRecord("rec-1", "Dark matter", 120)]);
        UsageQueries.TopOwners = new OwnerRanking("views", [new RankedOwner("alice", 12)]);
        UsageQueries.Countries = new CountryStats([new CountryBucket("CH", 200, 180, 20, 18)]);
        ActivityQueries.Directory = new CommunityDirectory([new CommunityListing("hep", "High-energy physics", 46, 12, 300, 40)]);
    }

    [Fact]
    public void EveryLinkFromOnePanelToAnotherKeepsThePeriodAndTheInterval()
    {
        IReadOnlyList<IElement>[] pages =
        [
            Links(RenderAt<CommunityPanel>($"/communities/hep?{Query}", p => p.Add(c => c.Id, "hep"))),
            Links(RenderAt<Communities>($"/communities?{Query}")),
            Links(RenderAt<Records>($"/records?{Query}")),
            Links(RenderAt<RecordPage>($"/records/rec-1?{Query}", p => p.Add(c => c.Recid, "rec-1"))),
            Links(RenderAt<UserPage>($"/users/alice?{Query}", p => p.Add(c => c.OwnerId, "alice"))),
            Links(RenderAt<Users>($"/users?{Query}")),
            Links(RenderAt<Map>($"/map?{Query}")),
        ];

        var links = pages.SelectMany(l => l).Select(a => a.GetAttribute("href")!).ToList();
        // The walk reaches the drill-downs it is about: a community's records, the list's communities, the owners, the map.
        Assert.Contains(links, href => href.StartsWith("/records/rec-1?", StringComparison.Ordinal));
        Assert.Contains(links, href => href.StartsWith("/communities/hep?", StringComparison.Ordinal));
        Assert.Contains(links, href => href.StartsWith("/communities?", StringComparison.Ordinal));
        Assert.Contains(links, href => href.StartsWith("/users/alice?", StringComparison.Ordinal));
        Assert.Contains(links, href => href.StartsWith("/map?", StringComparison.Ordinal));
        Assert.All(links, href =>
        {
            Assert.Contains("period=12m", href, StringComparison.Ordinal);
            Assert.Contains("interval=week", href, StringComparison.Ordinal);
        });
    }

    /// <summary>The page's links to panels: site paths other than sign-in, help and the API.</summary>
    private static IReadOnlyList<IElement> Links<T>(IRenderedComponent<T> page)
        where T : Microsoft.AspNetCore.Components.IComponent =>
        [.. page.FindAll("a[href^='/']").Where(a => a.GetAttribute("href") is { } href
            && !href.StartsWith("/account", StringComparison.Ordinal)
            && !href.StartsWith("/help", StringComparison.Ordinal)
            && !href.StartsWith("/api", StringComparison.Ordinal))];
}
