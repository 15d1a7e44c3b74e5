using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Access;
using Stats.Core.Aggregation;
using Stats.Core.Data;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Charts;
using Stats.Dashboard.Components.Pages.Users;
using Stats.Dashboard.Components.Panels;

namespace Stats.Tests.Components.Pages;

public sealed class UserPanelTests : DashboardTestContext
{
    private static readonly DateOnly s_today = DateOnly.FromDateTime(Now.UtcDateTime);

    public UserPanelTests()
    {
        Usage
            .Usage(StatScope.Owner, "u1", s_today, new UsageCounts(10, 8, 4, 3, 4000))
            .Usage(StatScope.Owner, "u1", s_today.AddDays(-2), new UsageCounts(5, 5, 1, 1, 1000))
            // The previous 30 days.
            .Usage(StatScope.Owner, "u1", s_today.AddDays(-40), new UsageCounts(12, 10, 2, 2, 2000))
            .Usage(StatScope.Record, "r1", s_today, new UsageCounts(9, 7, 4, 3, 4000))
            .Usage(StatScope.Record, "r2", s_today.AddDays(-2), new UsageCounts(6, 6, 1, 1, 1000));
        Usage.TopRecords.AddRange([new RankedRecord("r1", "Lake sediments", 9), new RankedRecord("r2", null, 6)]);
    }

    [Fact]
    public void ShowsTheUsersTotalsAgainstThePreviousPeriod()
    {
        var cut = Render<UserPage>(p => p.Add(c => c.OwnerId, "u1"));

        Assert.Equal("15", Headline(cut, "views"));
        Assert.Equal("13", Headline(cut, "unique-views"));
        Assert.Equal("5", Headline(cut, "downloads"));
        Assert.Equal("5.0 kB", Headline(cut, "data-volume"));
        Assert.Contains("+25 %", cut.Find("[data-headline=views] .stats-headline-delta").TextContent, StringComparison.Ordinal);
        Assert.Contains(Usage.Calls, c => c.Query == "totals" && c.Scope == StatScope.Owner && c.Key == "u1" && c.Period == new Period(s_today.AddDays(-29), s_today));
        Assert.Contains(Usage.Calls, c => c.Query == "totals" && c.Period == new Period(s_today.AddDays(-59), s_today.AddDays(-30)));
    }

    [Fact]
    public void ListsEveryRecordWithItsUsageLinkingToItsPanel()
    {
        var cut = Render<UserPage>(p => p.Add(c => c.OwnerId, "u1"));

        var rows = cut.FindAll("[data-table=user-records-u1] tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Equal("Lake sediments", rows[0].QuerySelector("td a")!.TextContent.Trim());
        Assert.Equal("/records/r1?period=30d&interval=day", rows[0].QuerySelector("td a")!.GetAttribute("href"));
        // r1 had no usage in the previous 30 days: its change is all of its views, and "new" rather than a percentage.
        Assert.Equal("r1", rows[0].QuerySelector("td .stats-cell-secondary")!.TextContent.Trim());
        Assert.Equal(["9", "7", "4", "3", "4.0 kB", "+9", "new"], rows[0].QuerySelectorAll("td").Skip(1).Select(td => td.TextContent.Trim()));
    }

    [Fact]
    public void TheRecordThatGrewMostIsOneClickAwayRankedOverAllTheUsersRecordsNotThePageShown()
    {
        Usage
            .Usage(StatScope.Record, "r2", s_today.AddDays(-40), new UsageCounts(20, 20, 0, 0, 0))
            .Usage(StatScope.Record, "r3", s_today.AddDays(-1), new UsageCounts(20, 20, 0, 0, 0))
            .Usage(StatScope.Record, "r3", s_today.AddDays(-45), new UsageCounts(1, 1, 0, 0, 0));
        var cut = Render<UserPage>(p => p.Add(c => c.OwnerId, "u1"));
        Assert.Equal(["r1", "r2"], RecidsShown(cut));

        cut.FindAll("[data-table=user-records-u1] th").Single(th => th.TextContent.Trim() == "Views change").QuerySelector("button")!.Click();

        Assert.Contains("rank=views_change", Navigation.Uri, StringComparison.Ordinal);
        // r3 was not in the ranking by views; by change it leads (+19), then r1 (+9), then r2, which fell (6 against 20).
        cut.WaitForAssertion(() => Assert.Equal(["r3", "r1", "r2"], RecidsShown(cut)));
        Assert.Contains(Usage.Calls, c => c.Query == "top-record-changes" && c.Key == "u1" && c.Period == new Period(s_today.AddDays(-29), s_today));
        var r3 = cut.FindAll("[data-table=user-records-u1] tbody tr")[0].QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Equal(["+19", "+1,900.0 %"], r3[^2..]);
        Assert.Equal("\u221214", cut.FindAll("[data-table=user-records-u1] tbody tr")[2].QuerySelectorAll("td")[^2].TextContent.Trim());
        Assert.Equal("Per record, by growth in views", cut.Find("#user-records-u1-title").TextContent.Trim());
    }

    [Fact]
    public void RankedByVolumeTheRecordWithFewViewsButTheMostBytesComesFirstWithItsChangeInBytes()
    {
        // Viewed once, last by views; downloaded in gigabytes.
        Usage.TopRecords.Add(new RankedRecord("r3", "Climate model output", 1));
        Usage.Usage(StatScope.Record, "r3", s_today.AddDays(-1), new UsageCounts(1, 1, 1, 1, 2_500_000_000));
        Navigation.NavigateTo("/users/u1?rank=volume");

        var cut = Render<UserPage>(p => p.Add(c => c.OwnerId, "u1"));

        Assert.Equal(["r3", "r1", "r2"], RecidsShown(cut));
        Assert.Contains(Usage.Calls, c => c.Query == "top-records" && c.Key == "u1" && c.Metric == UsageMetric.DataVolume);
        var columns = cut.FindAll("[data-table=user-records-u1] th").Select(th => th.TextContent.Trim()).ToList();
        Assert.Equal(["Data volume change", "Data volume % change"], columns[^2..]);
        Assert.Equal("+2.5 GB", cut.FindAll("[data-table=user-records-u1] tbody tr")[0].QuerySelectorAll("td")[^2].TextContent.Trim());
    }

    [Fact]
    public void AllTimeHasNoPreviousPeriodSoTheRecordTableHasNoChangeColumns()
    {
        Navigation.NavigateTo("/users/u1?period=all");

        var cut = Render<UserPage>(p => p.Add(c => c.OwnerId, "u1"));

        Assert.DoesNotContain(cut.FindAll("[data-table=user-records-u1] th"), th => th.TextContent.Contains("change", StringComparison.Ordinal));
    }

    /// <summary>The recid under the title, or the recid alone when the record has no title.</summary>
    private static string RecidOf(AngleSharp.Dom.IElement row) =>
        (row.QuerySelector(".stats-cell-secondary") ?? row.QuerySelector("a")!).TextContent.Trim();

    private static string[] RecidsShown(IRenderedComponent<UserPage> cut) =>
        [.. cut.FindAll("[data-table=user-records-u1] tbody tr").Select(tr => RecidOf(tr))];

    [Fact]
    public void TheChartGetsOneSeriesPerMetricWithABucketPerDay()
    {
        var chart = Render<UserPage>(p => p.Add(c => c.OwnerId, "u1")).FindComponent<ApexChart>().Instance;

        Assert.Equal([UsageSeries.Views, UsageSeries.UniqueViews, UsageSeries.Downloads, UsageSeries.UniqueDownloads], chart.Series.Select(s => s.Name));
        Assert.Equal(30, chart.Series[0].Data.Count);
        Assert.Equal(10, chart.Series[0].Data[29]);
        Assert.Equal(5, chart.Series[0].Data[27]);
    }

    [Fact]
    public void ChoosingAPeriodNavigatesAndTheQueriesAskForIt()
    {
        var cut = Render<UserPage>(p => p.Add(c => c.OwnerId, "u1"));

        cut.Find("select.stats-period-preset").Change("7d");
        cut.Find("select.stats-period-preset").Blur();

        Assert.EndsWith("?period=7d&interval=day", Navigation.Uri, StringComparison.Ordinal);
        cut.WaitForAssertion(() => Assert.Contains(Usage.Calls, c => c.Query == "totals" && c.Period == new Period(s_today.AddDays(-6), s_today)));
        cut.WaitForAssertion(() => Assert.Contains("Last 7 days", cut.Find(".stats-period-description").TextContent, StringComparison.Ordinal));
        Assert.Contains("new", cut.Find("[data-headline=views] .stats-headline-delta").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void ACustomRangeFromTheUrlIsWhatTheQueriesAskFor()
    {
        Navigation.NavigateTo("/users/u1?from=2026-11-01&to=2026-11-24&interval=week");

        var cut = Render<UserPage>(p => p.Add(c => c.OwnerId, "u1"));

        var histogram = Assert.Single(Usage.Calls, c => c.Query == "histogram" && c.Period.End == new DateOnly(2026, 11, 24));
        Assert.Equal(new Period(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 24)), histogram.Period);
        Assert.Equal(Interval.Week, histogram.Interval);
        Assert.Equal("week", cut.Find("select.stats-period-interval").GetAttribute("value"));
    }

    [Fact]
    public void WithoutUsageTheChartAndTableSayWhatToDo()
    {
        Usage.TopRecords.Clear();

        var cut = Render<UserPage>(p => p.Add(c => c.OwnerId, "nobody"));

        Assert.Equal("0", Headline(cut, "views"));
        Assert.Empty(cut.FindAll(".stats-apexchart"));
        Assert.Equal(2, cut.FindAll(".stats-empty-state").Count);
        Assert.Contains("longer period", cut.Find(".stats-empty-state").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void AFailingQueryShowsTheErrorAndARetryThatLoadsAgain()
    {
        Usage.Failure = new InvalidOperationException("database is locked");
        var cut = Render<UserPage>(p => p.Add(c => c.OwnerId, "u1"));

        Assert.Contains("database is locked", cut.Find(".stats-error-state").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-headline]"));

        Usage.Failure = null;
        cut.Find(".stats-retry").Click();

        cut.WaitForAssertion(() => Assert.Equal("15", Headline(cut, "views")));
        Assert.Empty(cut.FindAll(".stats-error-state"));
    }

    [Fact]
    public void WhileLoadingItShowsSkeletons()
    {
        Usage.Pending = new TaskCompletionSource();

        var cut = Render<UserPage>(p => p.Add(c => c.OwnerId, "u1"));

        Assert.NotNull(cut.Find(".stats-skeleton"));
        Usage.Pending.SetResult();
        cut.WaitForAssertion(() => Assert.Equal("15", Headline(cut, "views")));
    }

    [Fact]
    public void ARewriteOfAShownDayReloadsAndOneOutsideThePeriodsDoesNot()
    {
        var cut = Render<UserPage>(p => p.Add(c => c.OwnerId, "u1"));
        var calls = Usage.Calls.Count;

        Changes.Publish(new AggregatesChanged([s_today.AddDays(-200)]));
        Assert.Equal(calls, Usage.Calls.Count);

        Usage.Usage(StatScope.Owner, "u1", s_today, new UsageCounts(100, 0, 0, 0, 0));
        Changes.Publish(new AggregatesChanged([s_today]));
        cut.WaitForAssertion(() => Assert.Equal("115", Headline(cut, "views")));
    }

    [Fact]
    public async Task ClosingThePanelUnsubscribesFromAggregateChanges()
    {
        Render<UserPage>(p => p.Add(c => c.OwnerId, "u1"));
        await DisposeComponentsAsync();
        var calls = Usage.Calls.Count;

        Changes.Publish(new AggregatesChanged([s_today]));

        Assert.Equal(calls, Usage.Calls.Count);
    }

    [Fact]
    public void AUserPageIsGatedAsUsageOfTheOwner()
    {
        Policy.Decisions[StatFamily.Usage] = AccessDecision.SignInRequired;

        var cut = Render<UserPage>(p => p.Add(c => c.OwnerId, "u1"));

        Assert.Contains(Policy.Questions, q => q.Family == StatFamily.Usage && q.Target == new StatTarget(StatSubject.Owner, "u1"));
        Assert.NotNull(cut.Find(".stats-access-sign-in"));
        Assert.Empty(cut.FindAll("[data-headline]"));
    }

    [Fact]
    public void MyStatisticsAsksAnonymousVisitorsToSignInAndComeBack()
    {
        var cut = Render<MyStatistics>();

        Assert.Equal(MyStatistics.SignInHref, cut.Find(".stats-me-sign-in-link").GetAttribute("href"));
        Assert.Empty(Usage.Calls);
    }

    [Fact]
    public void MyStatisticsShowsTheSignedInUsersOwnRecords()
    {
        SignIn("u1", "Ada");

        var cut = Render<MyStatistics>();

        Assert.Equal("15", Headline(cut, "views"));
        Assert.Contains(Usage.Calls, c => c.Scope == StatScope.Owner && c.Key == "u1");
        Assert.Contains("Ada", cut.Find(".stats-panel-subtitle").TextContent, StringComparison.Ordinal);
    }

    private Microsoft.AspNetCore.Components.NavigationManager Navigation => Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();

    private static string Headline(IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> cut, string key) =>
        cut.Find($"[data-headline={key}] .stats-headline-value").TextContent.Trim();

    [Fact]
    public void UsersListRanksOwnersWithTheirRecordsUsageAndLinksToTheirPanels()
    {
        Usage.TopOwners.Add(new RankedOwner("u1", 15));
        SignIn("someone");

        var cut = Render<Users>();

        var row = Assert.Single(cut.FindAll("[data-table=top-owners] tbody tr"));
        Assert.Equal("/users/u1?period=30d&interval=day", row.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal(["u1", "15", "13", "5", "4"], row.QuerySelectorAll("td").Select(td => td.TextContent.Trim()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(50)]
    public void UsersListAsksTwoQueriesWhateverTheNumberOfOwners(int owners)
    {
        for (var i = 1; i <= owners; i++)
        {
            Usage.TopOwners.Add(new RankedOwner($"owner-{i}", 100 - i));
            Usage.Usage(StatScope.Owner, $"owner-{i}", s_today, new UsageCounts(100 - i, 1, i, 1, 0));
        }

        SignIn("someone");
        var cut = Render<Users>();

        var first = cut.FindAll("[data-table=top-owners] tbody tr").Single(r => r.QuerySelector("td")!.TextContent.Trim() == "owner-1");
        Assert.Equal(["owner-1", "99", "1", "1", "1"], first.QuerySelectorAll("td").Select(td => td.TextContent.Trim()));
        // The ranking, then the usage of every ranked owner at once: never a query per row.
        Assert.Equal(["top-owners", "totals-of-many"], Usage.Calls.Select(c => c.Query));
    }

    [Fact]
    public void AnAnonymousVisitorIsAskedToSignInForTheRankingOfOwnersAndCanStillOpenAUser()
    {
        Usage.TopOwners.Add(new RankedOwner("u1", 15));

        var cut = Render<Users>();

        Assert.Contains("signed-in users only", cut.Find(".stats-access-sign-in").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-table=top-owners]"));
        Assert.NotNull(cut.Find("form.stats-user-form"));
    }

    [Fact]
    public void TheUsersListIsNotLoadedWhenItsGateIsClosed()
    {
        Policy.Decisions[StatFamily.OwnerRankings] = AccessDecision.SignInRequired;
        Usage.TopOwners.Add(new RankedOwner("u1", 15));

        var cut = Render<Users>();

        Assert.NotNull(cut.Find(".stats-access-sign-in"));
        Assert.Empty(Usage.Calls);
        // The ranking of owners has its own rule: the usage rule is not the one asked.
        Assert.Contains(Policy.Questions, q => q.Family == StatFamily.OwnerRankings);
        Assert.DoesNotContain(Policy.Questions, q => q.Family == StatFamily.Usage);
    }

    [Fact]
    public void AUsersQueriesAreAskedAtOnceNotOneAfterAnother()
    {
        Usage.Pending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var cut = Render<UserPage>(p => p.Add(c => c.OwnerId, "u1"));

        // Nothing has answered yet, and every query of the panel is already asked.
        cut.WaitForAssertion(() => Assert.Equal(
            ["histogram", "histogram", "top-records", "totals", "totals"],
            Usage.Calls.Select(c => c.Query).Order(StringComparer.Ordinal)));
        Usage.Pending.SetResult();
        cut.WaitForAssertion(() => Assert.Equal("15", Headline(cut, "views")));
    }

    [Fact]
    public void UsersFormOpensAUserById()
    {
        var cut = Render<Users>();

        cut.Find("#user-id").Input("u7");
        cut.Find("form.stats-user-form").Submit();

        Assert.EndsWith("/users/u7?period=30d&interval=day", Navigation.Uri, StringComparison.Ordinal);
    }
}
