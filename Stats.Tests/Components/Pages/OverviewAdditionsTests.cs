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

/// <summary>What the Overview shows besides its chart: top records and communities, and the pipeline's health for admins.</summary>
public sealed class OverviewAdditionsTests : DashboardTestContext
{
    [Fact]
    public void TopRecordsLinkToTheirPanelsAndTopCommunitiesShowViewsAndDownloadsOfTheWindow()
    {
        Usage.TopRecords.AddRange([new RankedRecord("r1", "Lake sediments", 9)]);
        Usage.Usage(StatScope.Record, "r1", Queries.Today, new UsageCounts(9, 7, 3, 2, 100));
        Usage.TopCommunities.AddRange([new RankedCommunity("geo", "Geosciences", 40)]);
        Usage.Usage(StatScope.Community, "geo", Queries.Today, new UsageCounts(40, 30, 12, 10, 100));

        var cut = Render<Overview>();

        var record = Assert.Single(cut.FindAll("[data-table=overview-top-records] tbody tr"));
        Assert.Equal("/records/r1", record.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal(["Lake sediments", "9", "7", "3", "2"], record.QuerySelectorAll("td").Select(td => td.TextContent.Trim()));
        var community = Assert.Single(cut.FindAll("[data-table=overview-top-communities] tbody tr"));
        Assert.Equal(["Geosciences", "40", "12"], community.QuerySelectorAll("td").Select(td => td.TextContent.Trim()));
        Assert.Contains(Usage.Calls, c => c.Query == "top-records" && c.Period == new Period(Queries.Today.AddDays(-29), Queries.Today));
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
}
