using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;

namespace Stats.Tests.Builders;

/// <summary>
/// Stands in for the aggregator, which is written elsewhere: marks days processed the way it leaves them, with a row in
/// <c>AggregatedDays</c> and their dirty mark cleared.
/// </summary>
public static class FakeAggregation
{
    public static async Task MarkAggregatedAsync(StatsDbContext context, DateTime aggregatedAt, params DateOnly[] days)
    {
        var cancellation = TestContext.Current.CancellationToken;
        context.AggregatedDays.AddRange(days.Select(d => new AggregatedDay { Day = d, AggregatedAt = aggregatedAt }));
        await context.SaveChangesAsync(cancellation);
        await context.DirtyDays.Where(d => days.Contains(d.Day)).ExecuteDeleteAsync(cancellation);
    }
}
