using Bunit;
using Stats.Core.Data;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Pages.Overview;

namespace Stats.Tests.Components.Pages;

public sealed class OverviewRankingsTests : DashboardTestContext
{
    private static readonly DateOnly s_today = DateOnly.FromDateTime(Now.UtcDateTime);

    [Theory]
    [InlineData(1)]
    [InlineData(OverviewRankings.Size)]
    public void RankingsAskTheSameQueriesWhateverTheNumberOfRows(int rows)
    {
        for (var i = 1; i <= rows; i++)
        {
            Usage.TopRecords.Add(new RankedRecord($"r{i}", $"Record {i}", 100 - i));
            Usage.Usage(StatScope.Record, $"r{i}", s_today, new UsageCounts(100 - i, 1, 2, 1, 0));
            Usage.TopCommunities.Add(new RankedCommunity($"c{i}", $"Community {i}", 50 - i));
        }

        var cut = Render<OverviewRankings>(p => p.Add(c => c.Period, new Period(s_today.AddDays(-29), s_today)));

        var community = cut.FindAll("[data-table=overview-top-communities] tbody tr").Single(r => r.QuerySelector("a")!.TextContent.Trim() == $"Community {rows}");
        Assert.Equal($"{50 - rows}", community.QuerySelectorAll("td")[1].TextContent.Trim());
        Assert.Equal(rows, cut.FindAll("[data-table=overview-top-records] tbody tr").Count);
        // Each ranking, then the usage of all the ranked records at once: never a query per row.
        Assert.Equal(["countries", "records", "top-communities", "top-records"], Usage.Calls.Select(c => c.Query).Order(StringComparer.Ordinal));
    }
}
