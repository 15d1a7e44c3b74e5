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

        // The update says which marks exist: nearly every write lands on days marked already (today), and asking first
        // cost the event writer a query and a round trip in every group commit. In day order: two writers updating the
        // same days in the same order wait for each other instead of deadlocking.
        var unmarked = new List<DateOnly>();
        foreach (var (day, events) in days.OrderBy(d => d.Key))
        {
            var updated = await context.DirtyDays.Where(d => d.Day == day)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.Version, d => d.Version + 1).SetProperty(d => d.PendingEvents, d => d.PendingEvents + events), cancellationToken);
            if (updated == 0)
            {
                unmarked.Add(day);
            }
        }

        if (unmarked.Count > 0)
        {
            context.DirtyDays.AddRange(unmarked.Select(d => new DirtyDay { Day = d, MarkedAt = now, Version = 1, PendingEvents = days[d] }));
            await context.SaveChangesAsync(cancellationToken);
        }
    }
}
