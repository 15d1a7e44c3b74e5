using Bunit;
using Stats.Core.Access;
using Stats.Core.Aggregation;
using Stats.Core.Queries;
using Stats.Dashboard.Components;
using Stats.Dashboard.Components.Charts;
using Stats.Dashboard.Components.Pages.Overview;

namespace Stats.Tests.Components.Pages;

public sealed class OverviewTests : DashboardTestContext
{
    [Fact]
    public void OverviewShowsTheTotalsFromTheQuery()
    {
        Queries.Summary = Queries.SummaryOf(
            [new(Queries.Today, "record-view", 1200), new(Queries.Today.AddDays(-3), "file-download", 34)],
            totalEvents: 76397,
            records: 295,
            communities: 6);

        var cut = Render<Overview>();

        Assert.Equal("1,234", TotalOf(cut, "events-in-window"));
        Assert.Equal("76,397", TotalOf(cut, "events-in-store"));
        Assert.Equal("295", TotalOf(cut, "records"));
        Assert.Equal("6", TotalOf(cut, "communities"));
    }

    [Fact]
    public void WhenTheRulesCloseTheRepositorysUsageTheOverviewShowsASignInPromptAndNoNumbers()
    {
        Policy.Decisions[StatFamily.Usage] = AccessDecision.SignInRequired;

        var cut = Render<Overview>();

        Assert.Contains("The repository's usage statistics", cut.Find(".stats-access-sign-in").TextContent);
        Assert.Empty(cut.FindAll("[data-total]"));
        Assert.Contains(Policy.Questions, q => q.Family == StatFamily.Usage && q.Target == new StatTarget(StatSubject.Repository, null));
    }

    [Fact]
    public void OverviewAsksForTheLast30Days()
    {
        Render<Overview>();

        Assert.Equal([30], Queries.RequestedDays);
    }

    [Fact]
    public void ChartGetsOneSeriesPerTypeWithAPointForEveryDayOfTheWindowAndZerosInTheGaps()
    {
        var today = Queries.Today;
        Queries.Summary = Queries.SummaryOf(
        [
            new(today.AddDays(-29), "record-view", 5),
            new(today.AddDays(-10), "record-view", 7),
            new(today, "record-view", 9),
            new(today.AddDays(-10), "file-download", 2),
        ]);

        var chart = Render<Overview>().FindComponent<ApexChart>().Instance;

        Assert.Equal(["record-view", "file-download"], chart.Series.Select(s => s.Name));
        Assert.All(chart.Series, s => Assert.Equal(30, s.Data.Count));
        var views = chart.Series[0].Data;
        Assert.Equal(5, views[0]);
        Assert.Equal(7, views[19]);
        Assert.Equal(9, views[29]);
        Assert.Equal(21, views.Sum());
        var downloads = chart.Series[1].Data;
        Assert.Equal(2, downloads[19]);
        Assert.Equal(2, downloads.Sum());
        Assert.True(chart.Stacked);
    }

    [Fact]
    public void ChartXValuesAreTheDaysOfTheWindowAtMidnightUtc()
    {
        Queries.Summary = Queries.SummaryOf([new(Queries.Today, "record-view", 1)]);

        var chart = Render<Overview>().FindComponent<ApexChart>().Instance;

        Assert.NotNull(chart.DateTimes);
        Assert.Equal(30, chart.DateTimes.Count);
        Assert.Equal(new DateTimeOffset(2026, 10, 27, 0, 0, 0, TimeSpan.Zero), chart.DateTimes[0]);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero), chart.DateTimes[^1]);
    }

    [Fact]
    public void ChartStartsAsStackedAreasAndCanBeSwitchedToBars()
    {
        Queries.Summary = Queries.SummaryOf([new(Queries.Today, "record-view", 1)]);
        var cut = Render<Overview>();
        Assert.Equal(ChartType.Area, cut.FindComponent<ApexChart>().Instance.Type);

        cut.FindAll(".stats-chart-type button").Single(b => b.TextContent.Trim() == "Bars").Click();

        Assert.Equal(ChartType.Bar, cut.FindComponent<ApexChart>().Instance.Type);
        Assert.True(cut.FindComponent<ApexChart>().Instance.Stacked);
    }

    [Fact]
    public void ChartFollowsTheThemeModeTheLayoutCascades()
    {
        Queries.Summary = Queries.SummaryOf([new(Queries.Today, "record-view", 1)]);

        var cut = Render<Overview>(p => p.AddCascadingValue(ThemeMode.Dark));

        Assert.Equal(ThemeMode.Dark, cut.FindComponent<ApexChart>().Instance.ThemeMode);
    }

    [Fact]
    public void TheRepositorysNotesOfTheWindowAreDrawnOnTheChart()
    {
        Queries.Summary = Queries.SummaryOf([new(Queries.Today, "record-view", 1)]);
        Notes.Add(Queries.Today.AddDays(-3), Queries.Today.AddDays(-2), "DOI resolver outage");

        var chart = Render<Overview>().FindComponent<ApexChart>().Instance;

        Assert.Equal([new ChartAnnotation(Queries.Today.AddDays(-3), Queries.Today.AddDays(-2), "DOI resolver outage")], chart.Annotations);
        Assert.Equal((new StatTarget(StatSubject.Repository, null), Queries.Today.AddDays(-29), Queries.Today), Assert.Single(Notes.Asked));
    }

    [Fact]
    public void OverviewExplainsWhereEventsComeFromWhenTheWindowHasNone()
    {
        Queries.Summary = Queries.SummaryOf([], totalEvents: 500);

        var cut = Render<Overview>();

        var empty = cut.Find(".stats-empty-state");
        Assert.Contains("No events yet", empty.TextContent);
        Assert.Contains("demo data", empty.TextContent);
        Assert.False(cut.HasComponent<ApexChart>());
    }

    [Fact]
    public void OverviewShowsAReadableErrorWhenTheQueryFails()
    {
        Queries.Failure = new InvalidOperationException("SQLite Error 5: 'database is locked'.");

        var cut = Render<Overview>();

        var error = cut.Find(".stats-overview-error");
        Assert.Contains("The overview could not be loaded.", error.TextContent);
        Assert.Contains("database is locked", cut.Find(".stats-error-details").TextContent);
        Assert.Empty(cut.FindAll(".stats-total"));
        Assert.False(cut.HasComponent<ApexChart>());
    }

    [Fact]
    public void OverviewShowsProgressWhileTheQueryRuns()
    {
        Queries.Pending = new TaskCompletionSource();

        var cut = Render<Overview>();

        Assert.NotEmpty(cut.FindAll(".stats-loading"));
        Assert.NotEmpty(cut.FindAll(".stats-skeleton"));

        Queries.Pending.SetResult();

        cut.WaitForAssertion(() =>
        {
            Assert.Empty(cut.FindAll(".stats-loading"));
            Assert.Empty(cut.FindAll(".stats-skeleton"));
            Assert.NotEmpty(cut.FindAll(".stats-total"));
        });
    }

    [Fact]
    public void RefreshButtonLoadsTheSummaryAgainAndShowsTheNewFigures()
    {
        var cut = Render<Overview>();
        Queries.Summary = Queries.SummaryOf([], totalEvents: 42);

        cut.Find("button.stats-refresh").Click();

        Assert.Equal(2, Queries.Calls);
        Assert.Equal("42", TotalOf(cut, "events-in-store"));
    }

    [Fact]
    public void RefreshAfterAFailureReplacesTheErrorWithTheFigures()
    {
        Queries.Failure = new InvalidOperationException("The store is down.");
        var cut = Render<Overview>();
        Queries.Failure = null;
        Queries.Summary = Queries.SummaryOf([], records: 3);

        cut.Find("button.stats-refresh").Click();

        Assert.Empty(cut.FindAll(".stats-overview-error"));
        Assert.Equal("3", TotalOf(cut, "records"));
    }

    [Fact]
    public void OverviewReloadsEvery30SecondsWhileItIsOpen()
    {
        var cut = Render<Overview>();
        Queries.Summary = Queries.SummaryOf([], communities: 7);

        Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(1, Queries.Calls);

        Clock.Advance(TimeSpan.FromSeconds(1));
        cut.WaitForAssertion(() => Assert.Equal("7", TotalOf(cut, "communities")));
        Assert.Equal(2, Queries.Calls);
    }

    [Fact]
    public void OverviewReloadsAsSoonAsTheAggregatorRewritesADayOfItsWindow()
    {
        var cut = Render<Overview>();
        Queries.Summary = Queries.SummaryOf([], records: 12);

        Changes.Publish(new AggregatesChanged([Queries.Today.AddDays(-40)]));
        Assert.Equal(1, Queries.Calls);

        Changes.Publish(new AggregatesChanged([Queries.Today.AddDays(-40), Queries.Today.AddDays(-29)]));
        cut.WaitForAssertion(() => Assert.Equal("12", TotalOf(cut, "records")));
        Assert.Equal(2, Queries.Calls);
    }

    [Fact]
    public void OverviewReloadsWhenAnotherInstanceAggregatedDaysItCannotName()
    {
        var cut = Render<Overview>();
        Queries.Summary = Queries.SummaryOf([], communities: 4);

        Changes.Publish(new AggregatesChanged(null));

        cut.WaitForAssertion(() => Assert.Equal("4", TotalOf(cut, "communities")));
    }

    [Fact]
    public async Task OverviewStopsListeningToTheAggregatorOnceItIsClosed()
    {
        Render<Overview>();

        await DisposeComponentsAsync();
        Changes.Publish(new AggregatesChanged([Queries.Today]));

        Assert.Equal(1, Queries.Calls);
    }

    [Fact]
    public async Task OverviewStopsReloadingOnceItIsClosed()
    {
        var cut = Render<Overview>();
        Clock.Advance(TimeSpan.FromSeconds(30));
        cut.WaitForAssertion(() => Assert.Equal(2, Queries.Calls));

        await DisposeComponentsAsync();
        Clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(2, Queries.Calls);
    }

    private static string TotalOf(IRenderedComponent<Overview> cut, string key) =>
        cut.Find($"[data-total='{key}'] .stats-total-value").TextContent.Trim();
}
