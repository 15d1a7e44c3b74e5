using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Access;
using Stats.Core.Aggregation;
using Stats.Core.Queries;
using Stats.Dashboard.Components;
using Stats.Dashboard.Components.Charts;
using Stats.Dashboard.Components.Pages.Overview;

namespace Stats.Tests.Components.Pages;

/// <summary>The Overview: six headline cards against the previous period, the metric switch, and the chart with the previous period behind.</summary>
public sealed class OverviewTests : PanelPageTestContext
{
    // 30 days up to 25 Nov 2026, compared with the 30 days before.
    private static readonly DateOnly s_first = new(2026, 10, 27);
    private const string Compared = "27 Sep – 26 Oct 2026";

    public OverviewTests()
    {
        Queries.Summary = FakeOverviewQueries.SummaryOf(
            new RepositoryCounts(Views: 1_200, UniqueViews: 900, Downloads: 300, UniqueDownloads: 250, DataVolume: 2_500_000_000, NewRecords: 12),
            new RepositoryCounts(Views: 1_000, UniqueViews: 1_000, Downloads: 400, UniqueDownloads: 0, DataVolume: 2_000_000_000, NewRecords: 12),
            [.. Enumerable.Range(0, 30).Select(i => new OverviewBucket(s_first.AddDays(i), new RepositoryCounts(i, 0, 2 * i, 0, 0, i % 2)))],
            [.. Enumerable.Range(0, 30).Select(i => new OverviewBucket(s_first.AddDays(i - 30), new RepositoryCounts(100 + i, 0, 0, 0, 0, 0)))],
            totalEvents: 5_000);
    }

    [Theory]
    [InlineData("views", "Views", "1,200", "+20 %", "vs 1,000 in " + Compared)]
    [InlineData("unique_views", "Unique views", "900", "−10 %", "vs 1,000 in " + Compared)]
    [InlineData("downloads", "Downloads", "300", "−25 %", "vs 400 in " + Compared)]
    [InlineData("unique_downloads", "Unique downloads", "250", "new", "vs 0 in " + Compared)]
    [InlineData("data_volume", "Data volume", "2.5 GB", "+25 %", "vs 2.0 GB in " + Compared)]
    [InlineData("new_records", "New records", "12", "±0 %", "vs 12 in " + Compared)]
    public void EachCardShowsItsNumberAndItsChangeAgainstThePreviousPeriodNamingThoseDays(string key, string label, string value, string delta, string compared)
    {
        var cut = RenderAt<Overview>("/");

        var card = cut.Find($"[data-metric='{key}']");
        Assert.Equal(label, card.QuerySelector(".stats-headline-label")!.TextContent.Trim());
        Assert.Equal(value, card.QuerySelector(".stats-headline-value")!.TextContent.Trim());
        Assert.Equal(delta, card.QuerySelector(".stats-delta-text")!.TextContent.Trim());
        Assert.Equal(compared, card.QuerySelector(".stats-headline-compared")!.TextContent.Trim());
    }

    [Fact]
    public void WithoutAMetricInTheAddressTheViewsCardIsChosenAndCharted()
    {
        var cut = RenderAt<Overview>("/");

        Assert.Equal(["true", "false", "false", "false", "false", "false"], cut.FindAll(".stats-metric-select").Select(b => b.GetAttribute("aria-pressed")));
        var chart = cut.FindComponent<ApexChart>().Instance;
        var series = Assert.Single(chart.Series);
        Assert.Equal("Views", series.Name);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => (double)i), series.Data);
        Assert.Equal(ChartType.Area, chart.Type);
    }

    [Fact]
    public void ChoosingACardPutsItsMetricInTheAddressAndOnTheChartWithoutAskingTheStoreAgain()
    {
        var cut = RenderAt<Overview>("/?period=30d");

        cut.Find("[data-metric='downloads'] .stats-metric-select").Click();

        Assert.Contains("metric=downloads", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
        Assert.Contains("period=30d", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
        cut.WaitForAssertion(() => Assert.Equal("Downloads", Assert.Single(cut.FindComponent<ApexChart>().Instance.Series).Name));
        Assert.Equal(Enumerable.Range(0, 30).Select(i => 2.0 * i), cut.FindComponent<ApexChart>().Instance.Series[0].Data);
        Assert.Equal("true", cut.Find("[data-metric='downloads'] .stats-metric-select").GetAttribute("aria-pressed"));
        Assert.Equal("false", cut.Find("[data-metric='views'] .stats-metric-select").GetAttribute("aria-pressed"));
        Assert.Equal(1, Queries.Calls);
    }

    [Fact]
    public void ChoosingViewsAgainLeavesTheAddressWithoutAMetric()
    {
        var cut = RenderAt<Overview>("/?metric=downloads");

        cut.Find("[data-metric='views'] .stats-metric-select").Click();

        Assert.DoesNotContain("metric=", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void NewRecordsAreChartedAsBarsUnderTheirDisplayName()
    {
        var cut = RenderAt<Overview>("/?metric=new_records");

        var chart = cut.FindComponent<ApexChart>().Instance;
        Assert.Equal(ChartType.Bar, chart.Type);
        Assert.Equal("New records", Assert.Single(chart.Series).Name);
        Assert.Equal(15, chart.Series[0].Data.Sum());
    }

    [Fact]
    public void AnUnknownMetricInTheAddressChartsViews()
    {
        var cut = RenderAt<Overview>("/?metric=record-view");

        Assert.Equal("Views", Assert.Single(cut.FindComponent<ApexChart>().Instance.Series).Name);
    }

    [Fact]
    public void ThePreviousPeriodIsDrawnBehindBucketForBucketAndNamedByItsDays()
    {
        var cut = RenderAt<Overview>("/");

        var chart = cut.FindComponent<ApexChart>().Instance;
        var previous = Assert.Single(chart.PreviousSeries!);
        Assert.Equal($"Views (previous: {Compared})", previous.Name);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => 100.0 + i), previous.Data);
        Assert.Equal(30, chart.DateTimes!.Count);
        Assert.Equal(new DateTimeOffset(2026, 10, 27, 0, 0, 0, TimeSpan.Zero), chart.DateTimes[0]);

        // Sent to ApexCharts as a dashed, unfilled line after the current series.
        using var options = ChartOptions("overview-usage");
        var series = options.RootElement.GetProperty("series");
        Assert.Equal("line", series[1].GetProperty("type").GetString());
        Assert.Equal([0, 5], options.RootElement.GetProperty("stroke").GetProperty("dashArray").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(0, options.RootElement.GetProperty("fill").GetProperty("opacity")[1].GetDouble());
    }

    [Fact]
    public void APreviousPeriodShorterThanTheCurrentOneIsPaddedWithZeros()
    {
        Queries.Summary = Queries.Summary! with { PreviousHistory = FakeOverviewQueries.DailyViews(s_first.AddDays(-30), 7, 8) };

        var cut = RenderAt<Overview>("/");

        var previous = Assert.Single(cut.FindComponent<ApexChart>().Instance.PreviousSeries!).Data;
        Assert.Equal(30, previous.Count);
        Assert.Equal([7, 8, 0], previous.Take(3));
    }

    [Fact]
    public void AllTimeHasNoPreviousPeriodToDrawOrCompareWith()
    {
        var cut = RenderAt<Overview>("/?period=all");

        Assert.Null(cut.FindComponent<ApexChart>().Instance.PreviousSeries);
        Assert.All(cut.FindAll("[data-metric] .stats-headline-delta"), d => Assert.Equal("No previous period to compare with", d.TextContent.Trim()));
        Assert.Equal((new Period(null, Today), (Period?)null, Interval.Month), Assert.Single(Queries.Requests));
    }

    [Fact]
    public void ThePeriodInTheAddressIsTheOneAskedWithItsPreviousPeriodAndInterval()
    {
        RenderAt<Overview>("/?period=12m");

        var (period, previous, interval) = Assert.Single(Queries.Requests);
        Assert.Equal(new Period(new DateOnly(2025, 11, 26), Today), period);
        Assert.Equal(new Period(new DateOnly(2024, 11, 26), new DateOnly(2025, 11, 25)), previous);
        Assert.Equal(Interval.Month, interval);
    }

    [Fact]
    public void TheRepositorysNotesOfThePeriodAreDrawnOnTheChart()
    {
        Notes.Add(Today.AddDays(-3), Today.AddDays(-2), "DOI resolver outage");

        var chart = RenderAt<Overview>("/").FindComponent<ApexChart>().Instance;

        Assert.Equal([new ChartAnnotation(Today.AddDays(-3), Today.AddDays(-2), "DOI resolver outage")], chart.Annotations);
    }

    [Fact]
    public void WhenTheRulesCloseTheRepositorysUsageTheOverviewAsksToSignInAndReadsNothing()
    {
        Services.AddSingleton<IAccessPolicy>(Policy);
        Policy.Decisions[StatFamily.Usage] = AccessDecision.SignInRequired;

        var cut = RenderAt<Overview>("/");

        Assert.Contains("The repository's usage statistics", cut.Find(".stats-access-sign-in").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-metric]"));
        Assert.Equal(0, Queries.Calls);
    }

    [Fact]
    public void AFailedQuerySaysWhyAndRetryShowsTheNumbers()
    {
        var numbers = Queries.Summary;
        Queries.Summary = null;
        Queries.Failure = new InvalidOperationException("SQLite Error 5: 'database is locked'.");
        var cut = RenderAt<Overview>("/");
        Assert.Contains("database is locked", cut.Find(".stats-error-state").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-metric]"));

        Queries.Failure = null;
        Queries.Summary = numbers;
        cut.Find(".stats-retry").Click();

        cut.WaitForAssertion(() => Assert.Equal("1,200", cut.Find("[data-metric='views'] .stats-headline-value").TextContent.Trim()));
        Assert.Empty(cut.FindAll(".stats-error-state"));
    }

    [Fact]
    public void TheOverviewReloadsWhenTheAggregatorRewritesADayItShowsOrComparesWith()
    {
        var cut = RenderAt<Overview>("/");

        Changes.Publish(new AggregatesChanged([Today.AddDays(-90)]));
        Assert.Equal(1, Queries.Calls);

        Changes.Publish(new AggregatesChanged([Today.AddDays(-45)]));
        cut.WaitForAssertion(() => Assert.Equal(2, Queries.Calls));
    }

    [Fact]
    public void CirculationAndTheSipStoreAreOwnCardsLinkingToTheirPanelsForAdminsOnly()
    {
        ActivityQueries.Circulation = new CirculationCounts(Loans: 40, Renewals: 1, Returns: 2, Overdue: 3, Requests: 4);
        SipQueries.Summary = new SipStoreSummary(50, 40, 36, 4, 30, 120, 25, 95, 300, 2_500_000_000);

        var anonymous = RenderAt<Overview>("/?period=7d");
        Assert.Empty(anonymous.FindAll("[data-service]"));
        Assert.Empty(anonymous.FindAll(".stats-access-sign-in"));

        SignInAsAdmin();
        var admin = RenderAt<Overview>("/?period=7d");

        Assert.Equal("40", admin.Find("[data-service='circulation'] .stats-headline-value").TextContent.Trim());
        Assert.Equal("/circulation?period=7d&interval=day", admin.Find("[data-service='circulation'] a").GetAttribute("href"));
        Assert.Equal("50", admin.Find("[data-service='sip-store'] .stats-headline-value").TextContent.Trim());
        Assert.Equal("/sip-store?period=7d&interval=day", admin.Find("[data-service='sip-store'] a").GetAttribute("href"));
        // Never stacked with usage: the chart charts one usage metric.
        Assert.Equal("Views", Assert.Single(admin.FindComponent<ApexChart>().Instance.Series).Name);
    }

    [Fact]
    public void ChartFollowsTheThemeModeTheLayoutCascades()
    {
        var cut = RenderAt<Overview>("/", p => p.AddCascadingValue(ThemeMode.Dark));

        Assert.Equal(ThemeMode.Dark, cut.FindComponent<ApexChart>().Instance.ThemeMode);
    }
}
