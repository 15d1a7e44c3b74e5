using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;
using Stats.Core.Events;

namespace Stats.Core.Queries;

/// <summary>How often something of one event type was counted on one day (after robots and double-clicks for usage).</summary>
public sealed record DailyTypeCount(DateOnly Day, string Type, int Count);

/// <summary>What the Overview page shows: counts per event type per day over a window, and the size of the store.</summary>
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

/// <summary>The Overview from the daily aggregates, like every other read of the dashboard: never from raw events.</summary>
public sealed class OverviewQueries(IDbContextFactory<StatsDbContext> contextFactory, TimeProvider clock) : IOverviewQueries
{
    /// <summary>The event type each counted activity stands for, read from the types' descriptions.</summary>
    private static readonly Dictionary<Activity, string> s_activityTypes =
        EventCatalog.BuiltIn.SelectMany(d => d.CountsAs.Select(activity => (activity, d.Name))).ToDictionary(t => t.activity, t => t.Name);

    public async Task<OverviewSummary> GetSummaryAsync(int days, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        var to = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var from = to.AddDays(1 - days);
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);

        var counts = await CountsPerTypePerDayAsync(context, from, to, cancellationToken);
        var totalEvents = await AggregatedEvents(context).SumAsync(cancellationToken);
        var records = await context.Records.CountAsync(r => r.DeletedAt == null, cancellationToken);
        var communities = await context.Communities.CountAsync(cancellationToken);
        return new OverviewSummary(from, to, counts, totalEvents, records, communities);
    }

    /// <summary>
    /// Views, downloads, the repository-wide activities and the types added by configuration per day, as counts per event
    /// type, ordered by day and type.
    /// </summary>
    internal static async Task<List<DailyTypeCount>> CountsPerTypePerDayAsync(StatsDbContext context, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var counts = new List<DailyTypeCount>();
        foreach (var usage in await UsagePerDay(context, from, to).ToListAsync(cancellationToken))
        {
            counts.Add(new DailyTypeCount(usage.Day, EventCatalog.RecordView, usage.Views));
            counts.Add(new DailyTypeCount(usage.Day, EventCatalog.FileDownload, usage.Downloads));
        }

        foreach (var activity in await ActivitiesPerDay(context, from, to).ToListAsync(cancellationToken))
        {
            if (s_activityTypes.TryGetValue(activity.Activity, out var type))
            {
                counts.Add(new DailyTypeCount(activity.Day, type, activity.Count));
            }
        }

        foreach (var configured in await ConfiguredTypesPerDay(context, from, to).ToListAsync(cancellationToken))
        {
            counts.Add(new DailyTypeCount(configured.Day, configured.Type, configured.Count));
        }

        return
        [
            .. counts.Where(c => c.Count > 0)
                .GroupBy(c => (c.Day, c.Type))
                .Select(g => new DailyTypeCount(g.Key.Day, g.Key.Type, g.Sum(c => c.Count)))
                .OrderBy(c => c.Day).ThenBy(c => c.Type, StringComparer.Ordinal),
        ];
    }

    // The Overview's queries, exposed for the translation tests of every provider.

    /// <summary>The repository's views and downloads per day, both access methods.</summary>
    internal static IQueryable<DailyUsage> UsagePerDay(StatsDbContext context, DateOnly from, DateOnly to) =>
        context.UsageDailyStats
            .Where(s => s.Scope == StatScope.Repository && s.ScopeId == 0 && s.Day >= from && s.Day <= to)
            .GroupBy(s => s.Day)
            .Select(g => new DailyUsage(g.Key, g.Sum(s => s.Views), g.Sum(s => s.Downloads)));

    /// <summary>Repository-wide activities per day (community 0), whatever their subject and detail.</summary>
    internal static IQueryable<DailyActivity> ActivitiesPerDay(StatsDbContext context, DateOnly from, DateOnly to) =>
        context.ActivityDailyStats
            .Where(s => s.CommunityId == 0 && s.Activity != Activity.ArchiveSize && s.Day >= from && s.Day <= to)
            .GroupBy(s => new { s.Day, s.Activity })
            .Select(g => new DailyActivity(g.Key.Day, g.Key.Activity, g.Sum(s => s.Count)));

    /// <summary>The repository's events of each type added by configuration per day, by the type's stored name.</summary>
    internal static IQueryable<DailyConfiguredType> ConfiguredTypesPerDay(StatsDbContext context, DateOnly from, DateOnly to) =>
        context.EventDailyStats
            .Where(s => s.Scope == StatScope.Repository && s.ScopeId == 0 && s.Day >= from && s.Day <= to)
            .Join(context.EventTypes, s => s.TypeId, t => t.Id, (s, t) => new DailyConfiguredType(s.Day, t.Name, s.Count));

    /// <summary>Raw events behind the aggregates, per aggregated day.</summary>
    internal static IQueryable<long> AggregatedEvents(StatsDbContext context) => context.AggregatedDays.Select(d => d.Events);

    internal sealed record DailyUsage(DateOnly Day, int Views, int Downloads);

    internal sealed record DailyActivity(DateOnly Day, Activity Activity, int Count);

    internal sealed record DailyConfiguredType(DateOnly Day, string Type, int Count);
}
