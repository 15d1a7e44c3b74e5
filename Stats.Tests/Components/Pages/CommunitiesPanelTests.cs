using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Pages.Communities;

namespace Stats.Tests.Components.Pages;

public sealed class CommunitiesPanelTests : PanelPageTestContext
{
    public CommunitiesPanelTests()
    {
        ActivityQueries.Directory = new CommunityDirectory(
        [
            new CommunityListing("eco", "Ecology", Records: 50, NewRecords: 2, Views: 10, Downloads: 90),
            new CommunityListing("hep", "High-energy physics", Records: 20, NewRecords: 5, Views: 300, Downloads: 40),
            new CommunityListing("quiet", null, Records: 5, NewRecords: 0, Views: 0, Downloads: 0),
        ]);
    }

    [Theory]
    [InlineData("/communities", new[] { "hep", "eco", "quiet" })]
    [InlineData("/communities?sort=downloads", new[] { "eco", "hep", "quiet" })]
    [InlineData("/communities?sort=records", new[] { "eco", "hep", "quiet" })]
    [InlineData("/communities?q=PHYS", new[] { "hep" })]
    [InlineData("/communities?q=qui", new[] { "quiet" })]
    public void TheListIsSearchedAndSortedAsTheUrlSays(string url, string[] expected)
    {
        var cut = RenderAt<Communities>(url);

        Assert.Equal(expected, cut.FindAll("[data-table='communities'] tbody tr").Select(r => (r.QuerySelector(".stats-cell-secondary") ?? r.QuerySelector("a")!).TextContent.Trim()));
    }

    [Fact]
    public void EachCommunityIsOneCellItsNameWithItsIdUnderNotANameAndAnIdColumn()
    {
        var cut = RenderAt<Communities>("/communities");

        Assert.Equal(["Community", "Live records", "New records", "Views", "Downloads"], cut.FindAll("[data-table='communities'] th").Select(th => th.TextContent.Trim()));
        var rows = cut.FindAll("[data-table='communities'] tbody tr");
        Assert.Equal("High-energy physics", rows[0].QuerySelector("a")!.TextContent.Trim());
        Assert.Equal("hep", rows[0].QuerySelector(".stats-cell-secondary")!.TextContent.Trim());
        // Without a name the id is said once.
        Assert.Equal("quiet", rows[2].QuerySelector("td")!.TextContent.Trim());
        var csv = cut.FindComponent<Stats.Dashboard.Components.Panels.StatTable<CommunityListing>>().Instance.ToCsv();
        Assert.StartsWith("Community name,Community id,Live records,", csv, StringComparison.Ordinal);
        Assert.Contains("\r\n,quiet,5,", csv, StringComparison.Ordinal);
    }

    [Fact]
    public void EachCommunityLinksToItsPanel()
    {
        var cut = RenderAt<Communities>("/communities");

        Assert.Equal("/communities/hep?period=30d&interval=day", cut.Find("[data-table='communities'] tbody a").GetAttribute("href"));
    }

    [Fact]
    public void SearchingPutsTheSearchInTheUrl()
    {
        var cut = RenderAt<Communities>("/communities");

        cut.Find("input.stats-community-search").Change("eco");

        Assert.Contains("q=eco", Services.GetRequiredService<NavigationManager>().Uri);
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-table='communities'] tbody tr")));
    }

    [Fact]
    public void ASearchWithoutMatchSaysWhatToDo()
    {
        var cut = RenderAt<Communities>("/communities?q=zzz");

        Assert.Contains("No community matches \"zzz\"", cut.Find(".stats-empty-state").TextContent);
    }

    [Fact]
    public void ThePeriodInTheUrlIsThePeriodAskedFor()
    {
        RenderAt<Communities>("/communities?period=7d");

        Assert.Equal([new Period(Today.AddDays(-6), Today)], ActivityQueries.PeriodsOf("communities"));
    }

    [Fact]
    public void AFailingStoreShowsTheError()
    {
        ActivityQueries.Failure = new InvalidOperationException("boom");

        var cut = RenderAt<Communities>("/communities");

        Assert.Contains("communities could not be loaded", cut.Find(".stats-error-state").TextContent);
    }
}
