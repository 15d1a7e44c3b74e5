using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;

namespace Stats.Core.Queries;

/// <summary>One bucket of the Overview's chart: its first day and the repository's numbers in it.</summary>
public sealed record OverviewBucket(DateOnly Date, RepositoryCounts Counts);

/// <summary>
/// What the Overview shows: the repository's six headline numbers over a period and the previous one, each period's
/// histogram at the chosen interval, and how many raw events the store has aggregated (none: the first run). Plain
/// records, so that the prerendered page can hand them to the interactive one.
/// </summary>
public sealed record OverviewSummary(
    Period Period,
    Period? PreviousPeriod,
    Interval Interval,
    RepositoryCounts Totals,
    RepositoryCounts? PreviousTotals,
    IReadOnlyList<OverviewBucket> History,
    IReadOnlyList<OverviewBucket> PreviousHistory,
    long TotalEvents)
{
    /// <summary>Nothing aggregated or imported yet, in the period or before: the first run.</summary>
    public bool StoreIsEmpty => TotalEvents == 0 && Totals == RepositoryCounts.Zero && (PreviousTotals ?? RepositoryCounts.Zero) == RepositoryCounts.Zero;
}

/// <summary>Reads for the Overview page. Components depend on this interface so that tests can swap it.</summary>
public interface IOverviewQueries
{
    /// <summary>
    /// The repository's views, unique views, downloads, unique downloads, data volume and new records over
    /// <paramref name="period"/> and <paramref name="previous"/> (none for all time), totals and histograms.
    /// </summary>
    Task<OverviewSummary> GetSummaryAsync(Period period, Period? previous, Interval interval, CancellationToken cancellationToken = default);
}

/// <summary>
/// The Overview from the daily aggregates, like every other read of the dashboard: never from raw events. Both periods
/// come from one range read of the repository's usage rows and one of its new-record rows (a year of days is a few
/// hundred rows), then are split and bucketed in memory.
/// </summary>
public sealed class OverviewQueries(IDbContextFactory<StatsDbContext> contextFactory, TimeProvider clock) : IOverviewQueries
{
    public async Task<OverviewSummary> GetSummaryAsync(Period period, Period? previous, Interval interval, CancellationToken cancellationToken = default)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var from = previous is { } p && p.From < period.From ? p.From : period.From;
        var to = previous is { } q && q.To > period.To ? q.To : period.To;
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);

        var usage = await UsageStats.UsagePerDay(context, StatScope.Repository, 0, from, to, null).ToListAsync(cancellationToken);
        var published = await ActivityStats.ActivityPerDay(context, Activity.NewRecord, 0, from, to).ToListAsync(cancellationToken);
        var totalEvents = await AggregatedEvents(context).SumAsync(cancellationToken);

        var days = usage
            .Select(u => (u.Day, Counts: new RepositoryCounts(u.Counts.Views, u.Counts.UniqueViews, u.Counts.Downloads, u.Counts.UniqueDownloads, u.Counts.DataVolume, 0)))
            .Concat(published.Select(n => (n.Day, Counts: RepositoryCounts.Zero with { NewRecords = n.Count })))
            .ToList();
        var (totals, history) = Summarise(days, period, interval, today);
        var (previousTotals, previousHistory) = previous is { } compared ? Summarise(days, compared, interval, today) : (null, []);
        return new OverviewSummary(period, previous, interval, totals, previousTotals, history, previousHistory, totalEvents);
    }

    private static (RepositoryCounts Totals, IReadOnlyList<OverviewBucket> History) Summarise(
        List<(DateOnly Day, RepositoryCounts Counts)> days, Period period, Interval interval, DateOnly today)
    {
        var inPeriod = days.Where(d => d.Day >= period.From && d.Day <= period.To).ToList();
        var totals = inPeriod.Aggregate(RepositoryCounts.Zero, (sum, d) => RepositoryCounts.Add(sum, d.Counts));
        var histogram = UsageStats.Build(inPeriod, period, interval, today);
        return (totals, [.. histogram.Buckets.Select(b => new OverviewBucket(b.Date, b.Values))]);
    }

    /// <summary>Raw events behind the aggregates, per aggregated day (exposed for the translation tests of every provider).</summary>
    internal static IQueryable<long> AggregatedEvents(StatsDbContext context) => context.AggregatedDays.Select(d => d.Events);
}
