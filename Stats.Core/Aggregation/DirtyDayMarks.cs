using Microsoft.EntityFrameworkCore;
using Stats.Core.Counting;
using Stats.Core.Data;

namespace Stats.Core.Aggregation;

/// <summary>
/// Marks the days whose raw events changed, so that the aggregator recomputes exactly those: every writer of raw
/// events (ingestion, imports, erasure) marks inside its own transaction.
/// </summary>
public static class DirtyDayMarks
{
    /// <summary>The days a set of event timestamps can change, with how many of the events fall on each.</summary>
    public static Dictionary<DateOnly, long> DaysAffectedBy(IEnumerable<DateTime> timestamps)
    {
        var days = new Dictionary<DateOnly, long>();
        foreach (var timestamp in timestamps)
        {
            foreach (var day in CounterRules.DaysAffectedBy(timestamp))
            {
                days.TryGetValue(day, out var count);
                days[day] = day == DateOnly.FromDateTime(timestamp) ? count + 1 : count;
            }
        }

        return days;
    }

    /// <summary>Marks <paramref name="days"/> dirty (adding their event counts to the backlog) in the caller's transaction.</summary>
    public static async Task MarkAsync(StatsDbContext context, IReadOnlyDictionary<DateOnly, long> days, DateTime now, CancellationToken cancellationToken = default)
    {
        if (days.Count == 0)
        {
            return;
        }

        var known = await DirtyDaysAmong(context, [.. days.Keys]).ToListAsync(cancellationToken);
        // In day order: two writers updating the same days in the same order wait for each other instead of deadlocking.
        known.Sort();
        foreach (var day in known)
        {
            var events = days[day];
            await context.DirtyDays.Where(d => d.Day == day)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.Version, d => d.Version + 1).SetProperty(d => d.PendingEvents, d => d.PendingEvents + events), cancellationToken);
        }

        context.DirtyDays.AddRange(days.Keys.Except(known).Select(d => new DirtyDay { Day = d, MarkedAt = now, Version = 1, PendingEvents = days[d] }));
        await context.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Exposed for the translation tests of every provider.</summary>
    internal static IQueryable<DateOnly> DirtyDaysAmong(StatsDbContext context, IReadOnlyCollection<DateOnly> days) =>
        context.DirtyDays.Where(d => days.Contains(d.Day)).Select(d => d.Day);
}
