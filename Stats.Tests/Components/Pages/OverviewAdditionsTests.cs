using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Aggregation;
using Stats.Core.Data;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Pages.Overview;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Components.Pages;

/// <summary>What the Overview shows besides its cards and chart: top records, communities and countries, and the pipeline's health for admins.</summary>
public sealed class OverviewAdditionsTests : DashboardTestContext
{
    [Fact]
    public void TopRecordsAndCommunitiesShowTheirTitlesWithTheIdUnderAndLinkToTheirPanelsOnTheSameDays()
    {
        Usage.TopRecords.AddRange([new RankedRecord("r1", "Lake sediments", 9)]);
        Usage.Usage(StatScope.Record, "r1", Queries.Today, new UsageCounts(9, 7, 3, 2, 100));
        Usage.TopCommunities.AddRange([new RankedCommunity("geo", "Geosciences", 40)]);

        var cut = Render<Overview>();

        var record = Assert.Single(cut.FindAll("[data-table=overview-top-records] tbody tr"));
        Assert.Equal("/records/r1?period=30d&interval=day", record.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("Lake sediments", record.QuerySelector("a")!.TextContent.Trim());
        Assert.Equal("r1", record.QuerySelector(".stats-cell-secondary")!.TextContent.Trim());
        Assert.Equal(["9", "3"], record.QuerySelectorAll("td").Skip(1).Select(td => td.TextContent.Trim()));
        var community = Assert.Single(cut.FindAll("[data-table=overview-top-communities] tbody tr"));
        Assert.Equal("Geosciences", community.QuerySelector("a")!.TextContent.Trim());
        Assert.Equal("geo", community.QuerySelector(".stats-cell-secondary")!.TextContent.Trim());
        Assert.Equal("40", community.QuerySelectorAll("td")[1].TextContent.Trim());
        Assert.Contains(Usage.Calls, c => c.Query == "top-records" && c.Period == new Period(Queries.Today.AddDays(-29), Queries.Today));
    }

    [Fact]
    public void ARestrictedRecordIsRankedByItsIdWithoutItsTitle()
    {
        Usage.TopRecords.AddRange([new RankedRecord("r1", "Lake sediments", 9), new RankedRecord("secret", "Unpublished merger", 5)]);
        Policy.RestrictedRecords.Add("secret");

        var cut = Render<Overview>();

        Assert.Equal(["Lake sediments", "secret"], cut.FindAll("[data-table=overview-top-records] tbody tr a").Select(a => a.TextContent.Trim()));
        Assert.DoesNotContain("Unpublished merger", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void ARecordWithoutATitleShowsItsIdOnce()
    {
        Usage.TopRecords.AddRange([new RankedRecord("r2", null, 4)]);

        var cut = Render<Overview>();

        var record = Assert.Single(cut.FindAll("[data-table=overview-top-records] tbody tr"));
        Assert.Equal("r2", record.QuerySelector("a")!.TextContent.Trim());
        Assert.Null(record.QuerySelector(".stats-cell-secondary"));
    }

    [Fact]
    public void TopCountriesAreNamedAndRankedByViews()
    {
        Usage.Countries.AddRange([new CountryBucket("CH", 30, 20, 5, 4), new CountryBucket("ZZ", 3, 3, 0, 0)]);

        var cut = Render<Overview>();

        Assert.Equal(["Switzerland (CH)", "Unknown (ZZ)"], cut.FindAll("[data-table=overview-top-countries] tbody tr").Select(r => r.QuerySelector("td")!.TextContent.Trim()));
    }

    [Fact]
    public void RankingsWithoutUsageSayWhenTheyWillFill()
    {
        var cut = Render<Overview>();

        Assert.Contains("No record was viewed", cut.Find("[data-table=overview-top-records] .stats-empty-state").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void VisitorsWhoAreNotAdminsDoNotSeeThePipeline()
    {
        var cut = Render<Overview>();

        Assert.Empty(cut.FindAll(".stats-pipeline-health"));
        Assert.Empty(cut.FindAll(".stats-access-forbidden"));
    }

    [Fact]
    public async Task AdminsSeeThePipelinesBacklogAndLastRun()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using (var context = store.CreateContext())
        {
            context.DirtyDays.Add(new DirtyDay { Day = Queries.Today, PendingEvents = 42, MarkedAt = Now.UtcDateTime.AddMinutes(-5) });
            await context.SaveChangesAsync(Xunit.TestContext.Current.CancellationToken);
        }

        using var meters = new TestMeterFactory();
        Services.AddSingleton<IDbContextFactory<StatsDbContext>>(store.Contexts);
        Services.AddSingleton(new AggregationMetrics(meters));
        Services.AddSingleton<PipelineMonitor>();
        SignIn("admin-1", "Admin", "admin");

        var cut = Render<Overview>();

        cut.WaitForAssertion(() => Assert.Contains("42 event(s) waiting", cut.Find("[data-pipeline=backlog]").TextContent, StringComparison.Ordinal));
        Assert.Equal("never", cut.Find("[data-pipeline=last-run]").TextContent.Trim());
    }

    [Fact]
    public async Task ThePipelinesDaysAndLastRunSayWhatTheyCount()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using (var context = store.CreateContext())
        {
            // Two days of usage and an earlier day with only a record published: three days aggregated.
            context.AggregatedDays.AddRange(
                new AggregatedDay { Day = Queries.Today, AggregatedAt = Now.UtcDateTime, Events = 40 },
                new AggregatedDay { Day = Queries.Today.AddDays(-1), AggregatedAt = Now.UtcDateTime, Events = 35 },
                new AggregatedDay { Day = Queries.Today.AddDays(-200), AggregatedAt = Now.UtcDateTime, Events = 1 });
            context.AggregationRuns.Add(new AggregationRun
            {
                Holder = "test/1", StartedAt = Now.UtcDateTime.AddMinutes(-1), FinishedAt = Now.UtcDateTime, DaysProcessed = 1, EventsProcessed = 40,
            });
            await context.SaveChangesAsync(Xunit.TestContext.Current.CancellationToken);
        }

        using var meters = new TestMeterFactory();
        Services.AddSingleton<IDbContextFactory<StatsDbContext>>(store.Contexts);
        Services.AddSingleton(new AggregationMetrics(meters));
        Services.AddSingleton<PipelineMonitor>();
        SignIn("admin-1", "Admin", "admin");

        var cut = Render<Overview>();

        cut.WaitForAssertion(() => Assert.Equal("3", cut.Find("[data-pipeline=days-aggregated]").TextContent.Trim()));
        Assert.Equal(Stats.Dashboard.Components.Pages.Admin.AdminLabels.DaysAggregatedExplanation, cut.Find(".stats-pipeline-health .stats-pipeline-days-note").TextContent.Trim());
        // The last run read one day's 40 events, not the 76 of the store: the caption says so.
        Assert.Contains("1 day(s), 40 event(s)", cut.Find("[data-pipeline=last-run]").TextContent, StringComparison.Ordinal);
        Assert.Equal(Stats.Dashboard.Components.Pages.Admin.AdminLabels.RunEventsExplanation, cut.Find(".stats-pipeline-health .stats-pipeline-run-note").TextContent.Trim());
    }
}
