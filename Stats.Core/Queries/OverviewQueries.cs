using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;

namespace Stats.Core.Queries;

/// <summary>Events of one type on one day.</summary>
public sealed record DailyTypeCount(DateOnly Day, string Type, int Count);

/// <summary>What the Overview page shows: events per type per day over a window, and the size of the catalog.</summary>
public sealed record OverviewSummary(
    DateOnly From,
    DateOnly To,
    IReadOnlyList<DailyTypeCount> Counts,
    long TotalEvents,
    int Records,
    int Communities)
{
    /// <summary>The types that occur in the window, most frequent first.</summary>
    public IReadOnlyList<string> Types { get; } =
        [.. Counts.GroupBy(c => c.Type).OrderByDescending(g => g.Sum(c => c.Count)).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key)];
}

/// <summary>Reads for the Overview page. Components depend on this interface so that tests can swap it.</summary>
public interface IOverviewQueries
{
    /// <summary>The last <paramref name="days"/> days up to and including today (UTC).</summary>
    Task<OverviewSummary> GetSummaryAsync(int days, CancellationToken cancellationToken = default);
}

public sealed class OverviewQueries(IDbContextFactory<StatsDbContext> contextFactory, TimeProvider clock) : IOverviewQueries
{
    public async Task<OverviewSummary> GetSummaryAsync(int days, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        var to = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var from = to.AddDays(1 - days);
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);

        var counts = await EventsPerTypePerDay(context, from, to).ToListAsync(cancellationToken);
        var totalEvents = await context.RawEvents.LongCountAsync(cancellationToken);
        var records = await context.Records.CountAsync(r => r.DeletedAt == null, cancellationToken);
        var communities = await context.Communities.CountAsync(cancellationToken);
        return new OverviewSummary(from, to, counts, totalEvents, records, communities);
    }

    /// <summary>Counts raw events per UTC day and type. Exposed for the translation tests of every provider.</summary>
    internal static IQueryable<DailyTypeCount> EventsPerTypePerDay(StatsDbContext context, DateOnly from, DateOnly to)
    {
        var start = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var end = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        return context.RawEvents
            .Where(e => e.Timestamp >= start && e.Timestamp < end)
            .GroupBy(e => new { Day = e.Timestamp.Date, e.TypeId })
            .Select(g => new { g.Key.Day, g.Key.TypeId, Count = g.Count() })
            .Join(context.EventTypes, g => g.TypeId, t => t.Id, (g, t) => new { g.Day, t.Name, g.Count })
            // Ordered before the record is built: EF cannot see through a constructor to order by its properties.
            .OrderBy(c => c.Day).ThenBy(c => c.Name)
            .Select(c => new DailyTypeCount(DateOnly.FromDateTime(c.Day), c.Name, c.Count));
    }
}
