using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Data;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Pages.Map;

namespace Stats.Tests.Components.Pages;

public sealed class MapPanelTests : PanelPageTestContext
{
    public MapPanelTests()
    {
        UsageQueries.Countries = new CountryStats(
        [
            new CountryBucket("US", 120, 100, 30, 25),
            new CountryBucket("CH", 40, 35, 12, 10),
            new CountryBucket("ZZ", 7, 7, 1, 1),
        ]);
        UsageQueries.PreviousCountries = new CountryStats([new CountryBucket("US", 60, 50, 10, 9)]);
        ActivityQueries.Directory = new CommunityDirectory([new CommunityListing("hep", "High-energy physics", 3, 1, 10, 2)]);
    }

    [Fact]
    public void TheMapOffersNoIntervalSinceItHasNoTimeSeries()
    {
        var cut = RenderAt<Map>("/map");

        Assert.NotNull(cut.Find(".stats-period-preset"));
        Assert.Empty(cut.FindAll(".stats-period-interval"));
    }

    [Fact]
    public void TheHeadlinesCountTheViewsDownloadsAndKnownCountriesAgainstThePreviousPeriod()
    {
        var cut = RenderAt<Map>("/map");

        Assert.Equal("167", HeadlineOf(cut, "views"));
        Assert.Equal("43", HeadlineOf(cut, "downloads"));
        Assert.Equal("2", HeadlineOf(cut, "countries"));
        Assert.Contains("vs 60 in 27 Sep – 26 Oct 2026", cut.Find("[data-headline='views'] .stats-headline-delta").TextContent);
    }

    [Fact]
    public void TheMapReceivesTheViewsOfEveryKnownCountryWithTheirOtherNumbersInTheTooltip()
    {
        var cut = RenderAt<Map>("/map");

        cut.WaitForAssertion(() => Assert.NotEmpty(Maps.Invocations["create"]));
        using var options = MapOptions("visitors");
        var root = options.RootElement;
        Assert.Equal(["CH", "US"], root.GetProperty("fills").EnumerateObject().Select(f => f.Name));
        Assert.Equal(["Views: 120", "Unique views: 100", "Downloads: 30"], root.GetProperty("tooltips").GetProperty("US").EnumerateArray().Select(l => l.GetString()));
        Assert.Contains("7 views came from an unknown country", cut.Find(".stats-worldmap-unknown").TextContent);
        Assert.Equal("120", cut.Find(".stats-worldmap-max").TextContent);
    }

    [Fact]
    public void DownloadsInTheUrlColourTheMapByDownloads()
    {
        var cut = RenderAt<Map>("/map?metric=downloads");

        cut.WaitForAssertion(() => Assert.NotEmpty(Maps.Invocations["create"]));
        using var options = MapOptions("visitors");
        Assert.Equal("Downloads", options.RootElement.GetProperty("label").GetString());
        Assert.Equal("Downloads: 30", options.RootElement.GetProperty("tooltips").GetProperty("US")[0].GetString());
        Assert.Equal("30", cut.Find(".stats-worldmap-max").TextContent);
    }

    [Fact]
    public void ACommunityInTheUrlReadsThatCommunitysCountries()
    {
        RenderAt<Map>("/map?community=hep");

        Assert.NotEmpty(UsageQueries.PeriodsOf($"countries:{StatScope.Community}:hep"));
        Assert.Empty(UsageQueries.PeriodsOf($"countries:{StatScope.Repository}:"));
    }

    [Fact]
    public void ThePeriodInTheUrlIsThePeriodAskedForAndTheOneBeforeIsCompared()
    {
        RenderAt<Map>("/map?period=7d");

        Assert.Equal(
            [new Period(Today.AddDays(-6), Today), new Period(Today.AddDays(-13), Today.AddDays(-7))],
            UsageQueries.PeriodsOf($"countries:{StatScope.Repository}:"));
    }

    [Fact]
    public void PickingAnotherPeriodPutsItInTheUrlAndAsksForIt()
    {
        var cut = RenderAt<Map>("/map");

        cut.Find("select.stats-period-preset").Change("7d");
        cut.Find("select.stats-period-preset").Blur();

        Assert.Contains("period=7d", Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().Uri);
        cut.WaitForAssertion(() => Assert.Contains(new Period(Today.AddDays(-6), Today), UsageQueries.PeriodsOf($"countries:{StatScope.Repository}:")));
    }

    [Fact]
    public void AMapWithoutVisitsSaysSoAndWhatToDo()
    {
        UsageQueries.Countries = new CountryStats([]);

        var cut = RenderAt<Map>("/map");

        Assert.Contains("No visits in this period.", cut.Find(".stats-empty-state").TextContent);
        Assert.Contains("Choose a longer period", cut.Find(".stats-empty-state").TextContent);
        Assert.Contains("No views with a known country", cut.Find(".stats-worldmap-legend").TextContent);
    }

    [Fact]
    public void AFailingStoreShowsTheErrorAndARetryThatLoadsAgain()
    {
        UsageQueries.Failure = new InvalidOperationException("The database is locked.");

        var cut = RenderAt<Map>("/map");

        Assert.Contains("could not be loaded", cut.Find(".stats-error-state").TextContent);
        Assert.Contains("The database is locked.", cut.Find(".stats-error-state").TextContent);

        UsageQueries.Failure = null;
        cut.Find(".stats-retry").Click();

        cut.WaitForAssertion(() => Assert.Equal("167", HeadlineOf(cut, "views")));
    }
}
