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
            Usage.Usage(StatScope.Community, $"c{i}", s_today, new UsageCounts(50 - i, 1, i, 1, 0));
        }

        var cut = Render<OverviewRankings>(p => p.Add(c => c.From, s_today.AddDays(-29)).Add(c => c.To, s_today));

        var community = cut.FindAll("[data-table=overview-top-communities] tbody tr").Single(r => r.QuerySelector("td")!.TextContent.Trim() == $"Community {rows}");
        Assert.Equal([$"Community {rows}", $"{50 - rows}", $"{rows}"], community.QuerySelectorAll("td").Select(td => td.TextContent.Trim()));
        Assert.Equal(rows, cut.FindAll("[data-table=overview-top-records] tbody tr").Count);
        // Each ranking, then the usage of all its rows at once: never a query per row.
        Assert.Equal(["records", "top-communities", "top-records", "totals-of-many"], Usage.Calls.Select(c => c.Query).Order(StringComparer.Ordinal));
    }
}
