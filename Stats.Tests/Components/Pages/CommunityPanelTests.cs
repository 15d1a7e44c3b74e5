using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Data;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Pages.Communities;

namespace Stats.Tests.Components.Pages;

public sealed class CommunityPanelTests : PanelPageTestContext
{
    public CommunityPanelTests()
    {
        UsageQueries.Totals = new UsageCounts(Views: 300, UniqueViews: 250, Downloads: 40, UniqueDownloads: 30, DataVolume: 5_000_000);
        UsageQueries.PreviousTotals = new UsageCounts(150, 120, 40, 30, 1_000_000);
        UsageQueries.History = Days((Today.AddDays(-1), new UsageCounts(100, 90, 10, 9, 0)), (Today, new UsageCounts(200, 160, 30, 21, 0)));
        UsageQueries.TopRecords = new RecordRanking("views", [new RankedRecord("rec-1", "Dark matter", 120), new RankedRecord("rec-2", null, 80)]);
        UsageQueries.Countries = new CountryStats([new CountryBucket("CH", 200, 180, 20, 18), new CountryBucket("FR", 100, 70, 20, 12)]);
        ActivityQueries.Totals[Activity.NewRecord] = 12;
        ActivityQueries.Totals[Activity.NewSubmission] = 20;
        ActivityQueries.Histories[Activity.NewRecord] = Days((Today.AddDays(-1), 5L), (Today, 7L));
        ActivityQueries.Histories[Activity.NewSubmission] = Days((Today.AddDays(-1), 9L), (Today, 11L));
        ActivityQueries.AccessRights = new CommunityAccessRights("hep",
            [new("open", 40, 10), new("embargoed", 3, 1), new("restricted", 2, 0), new("closed", 1, 1)]);
        ActivityQueries.Features = new CommunityFeatures("hep", [new("comment", 14), new("alert", 6), new("recommendation", 2)]);
        ActivityQueries.Uploaders = new TopUploaders("hep", [new Uploader("alice", 8, 200, 30)]);
        ActivityQueries.Directory = new CommunityDirectory([new CommunityListing("hep", "High-energy physics", 46, 12, 300, 40)]);
    }

    [Fact]
    public void TheHeadlinesShowUsageNewRecordsAndSubmissionsOfTheCommunity()
    {
        SignInAsAdmin();

        var cut = RenderAt<CommunityPanel>("/communities/hep", p => p.Add(c => c.Id, "hep"));

        Assert.Equal("High-energy physics", cut.Find("h1").TextContent.Trim());
        Assert.Equal("300", HeadlineOf(cut, "views"));
        Assert.Equal("40", HeadlineOf(cut, "downloads"));
        Assert.Equal("5.0 MB", HeadlineOf(cut, "volume"));
        Assert.Equal("12", HeadlineOf(cut, "new-records"));
        Assert.Equal("20", HeadlineOf(cut, "new-submissions"));
        Assert.Equal("46", HeadlineOf(cut, "records"));
        Assert.Equal("22", HeadlineOf(cut, "feature-uses"));
        Assert.Contains("+100 %", cut.Find("[data-headline='views'] .stats-headline-delta").TextContent);
    }

    [Fact]
    public void TheChartsReceiveUsageAndGrowthPerBucketAndTheMapTheCountries()
    {
        var cut = RenderAt<CommunityPanel>("/communities/hep", p => p.Add(c => c.Id, "hep"));

        cut.WaitForAssertion(() => Assert.True(Charts.Invocations["create"].Count >= 3));
        using (var usage = ChartOptions("community-usage"))
        {
            var series = usage.RootElement.GetProperty("series");
            Assert.Equal("Views", series[0].GetProperty("name").GetString());
            Assert.Equal([100, 200], series[0].GetProperty("data").EnumerateArray().Select(d => d.GetDouble()));
            Assert.Equal([10, 30], series[1].GetProperty("data").EnumerateArray().Select(d => d.GetDouble()));
        }

        using (var growth = ChartOptions("community-growth"))
        {
            var series = growth.RootElement.GetProperty("series");
            Assert.Equal(["New records", "New submissions"], series.EnumerateArray().Select(s => s.GetProperty("name").GetString()));
            Assert.Equal([9, 11], series[1].GetProperty("data").EnumerateArray().Select(d => d.GetDouble()));
        }

        using var map = MapOptions("community-visitors");
        Assert.Equal(["CH", "FR"], map.RootElement.GetProperty("fills").EnumerateObject().Select(f => f.Name));
    }

    [Fact]
    public void TopRecordsLinkToTheirRecordPanel()
    {
        var cut = RenderAt<CommunityPanel>("/communities/hep", p => p.Add(c => c.Id, "hep"));

        var link = cut.Find("[data-table='top-records'] a");
        Assert.StartsWith("/records/rec-1?", link.GetAttribute("href"), StringComparison.Ordinal);
        Assert.Contains("Dark matter", cut.Find("[data-table='top-records']").TextContent);
    }

    [Fact]
    public void TopRecordLinksKeepThePeriodAndInterval()
    {
        var cut = RenderAt<CommunityPanel>("/communities/hep?period=12m&interval=week", p => p.Add(c => c.Id, "hep"));

        Assert.Equal("/records/rec-1?period=12m&interval=week", cut.Find("[data-table='top-records'] a").GetAttribute("href"));
    }

    [Fact]
    public void TheTopRecordsShowEveryCountAndRankTheWholePeriodByTheOneClicked()
    {
        var cut = RenderAt<CommunityPanel>("/communities/hep?period=12m", p => p.Add(c => c.Id, "hep"));
        Assert.Equal(
            ["Record", "Views", "Unique views", "Downloads", "Unique downloads", "Data volume", "Views change", "Views % change"],
            cut.FindAll("[data-table='top-records'] th").Select(th => th.TextContent.Trim()));
        Assert.Contains(UsageQueries.Calls, c => c.Query == $"top-records:hep:{UsageMetric.Views}");

        cut.FindAll("[data-table='top-records'] th").Single(th => th.TextContent.Trim() == "Downloads").QuerySelector("button")!.Click();

        cut.WaitForAssertion(() => Assert.Contains(UsageQueries.Calls, c => c.Query == $"top-records:hep:{UsageMetric.Downloads}"));
        var navigation = Services.GetRequiredService<NavigationManager>();
        Assert.Contains("rank=downloads", navigation.Uri, StringComparison.Ordinal);
        Assert.Contains("period=12m", navigation.Uri, StringComparison.Ordinal);
        cut.WaitForAssertion(() => Assert.Equal("Top records by downloads", cut.Find("#top-records-title").TextContent.Trim()));
    }

    [Fact]
    public void EveryQueryIsForTheCommunityAndThePeriodInTheUrl()
    {
        SignInAsAdmin();

        var cut = RenderAt<CommunityPanel>("/communities/hep?period=7d", p => p.Add(c => c.Id, "hep"));

        var week = new Period(Today.AddDays(-6), Today);
        var weekBefore = new Period(Today.AddDays(-13), Today.AddDays(-7));
        Assert.Contains(week, UsageQueries.PeriodsOf($"totals:{StatScope.Community}:hep"));
        Assert.Contains(week, UsageQueries.PeriodsOf($"histogram:{StatScope.Community}:hep"));
        Assert.Contains(weekBefore, UsageQueries.PeriodsOf($"totals:{StatScope.Community}:hep"));
        Assert.Equal([weekBefore, week], ActivityQueries.PeriodsOf("growth:hep").OrderBy(p => p.Start));
        Assert.Equal([week], ActivityQueries.PeriodsOf("top-uploaders:hep"));
    }

    [Fact]
    public void OnlyTheSectionsWhoseGateIsOpenAreLoaded()
    {
        // Anonymous: the uploaders and the organisations are for curators; the rest is public.
        var cut = RenderAt<CommunityPanel>("/communities/hep", p => p.Add(c => c.Id, "hep"));

        Assert.Equal(2, cut.FindAll(".stats-access-sign-in").Count);
        Assert.DoesNotContain(ActivityQueries.Calls, c => c.Query.StartsWith("top-uploaders", StringComparison.Ordinal));
        Assert.Equal(["referrers"], Sources.Calls.Select(c => c.Query));
        Assert.Contains(ActivityQueries.Calls, c => c.Query == "growth:hep");
        Assert.Contains(UsageQueries.Calls, c => c.Query == $"countries:{StatScope.Community}:hep");
        Assert.Equal("300", HeadlineOf(cut, "views"));
    }

    [Fact]
    public void TopUploadersAreForCuratorsSoAnAnonymousViewerIsAskedToSignIn()
    {
        var cut = RenderAt<CommunityPanel>("/communities/hep", p => p.Add(c => c.Id, "hep"));

        Assert.Contains("signed-in users only", cut.Find("[aria-labelledby='community-uploaders'] .stats-access-sign-in").TextContent);
        Assert.Empty(cut.FindAll("[data-table='top-uploaders']"));
        Assert.NotEmpty(cut.FindAll("[data-headline='views']"));
    }

    [Fact]
    public void AnAdminSeesTheTopUploaders()
    {
        SignInAsAdmin();

        var cut = RenderAt<CommunityPanel>("/communities/hep", p => p.Add(c => c.Id, "hep"));

        Assert.Contains("alice", cut.Find("[data-table='top-uploaders']").TextContent);
    }

    [Fact]
    public void AnUnknownCommunitySaysSoAndWhereToFindOne()
    {
        ActivityQueries.Directory = new CommunityDirectory([]);

        var cut = RenderAt<CommunityPanel>("/communities/nope", p => p.Add(c => c.Id, "nope"));

        var empty = cut.Find(".stats-empty-state");
        Assert.Contains("no community \"nope\"", empty.TextContent);
        Assert.Equal("/communities?period=30d&interval=day", empty.QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public void ACommunityWithoutUsageShowsEmptyChartsThatSayWhatToDo()
    {
        UsageQueries.History = new Histogram<UsageCounts>("day", []);
        UsageQueries.TopRecords = new RecordRanking("views", []);

        var cut = RenderAt<CommunityPanel>("/communities/hep", p => p.Add(c => c.Id, "hep"));

        Assert.Contains("No usage in this period.", cut.Find("[data-chart-card='community-usage']").TextContent);
        Assert.Contains("No record of this community was viewed", cut.Find("[data-table='top-records']").TextContent);
    }

    [Fact]
    public void AFailingStoreShowsTheErrorWithARetry()
    {
        ActivityQueries.Failure = new TimeoutException("The query timed out.");

        var cut = RenderAt<CommunityPanel>("/communities/hep", p => p.Add(c => c.Id, "hep"));

        Assert.Contains("community hep could not be loaded", cut.Find(".stats-error-state").TextContent);
        Assert.NotNull(cut.Find(".stats-retry"));
    }

    [Fact]
    public void TheMapLinkKeepsTheCommunityAndThePeriod()
    {
        var cut = RenderAt<CommunityPanel>("/communities/hep?period=12m", p => p.Add(c => c.Id, "hep"));

        var href = cut.Find("a.stats-community-map-link").GetAttribute("href")!;
        Assert.StartsWith("/map?community=hep&", href);
        Assert.Contains("period=12m", href);
    }
}
