using Microsoft.EntityFrameworkCore;
using Stats.Core.Catalog;
using Stats.Core.Data;
using Stats.Core.Events;

namespace Stats.Core.Queries;

/// <summary>How many events of a type added by configuration happened in a period: <c>{"type": ..., "count": ...}</c>.</summary>
public sealed record EventTotal(string Type, long Count);

/// <summary>A histogram bucket's events of one configured type.</summary>
public sealed record EventCount(long Count) : IMetrics<EventCount>
{
    public static EventCount Zero { get; } = new(0);

    public static EventCount Add(EventCount left, EventCount right) => new(left.Count + right.Count);
}

/// <summary>
/// Plain daily counts of the event types added by configuration (<see cref="EventDailyStat"/>), for the repository, a
/// record or a community. A type the configuration does not name is a bad query; an unknown record or community has
/// no events.
/// </summary>
public sealed class EventStats(IDbContextFactory<StatsDbContext> contexts, TimeProvider clock, EventTypeRegistry types)
{
    /// <summary>The events of <paramref name="type"/> in the period, of the repository (key null), a record or a community.</summary>
    public async Task<EventTotal> TotalAsync(string type, StatScope scope, string? key, Period period, CancellationToken cancellationToken = default)
    {
        var code = await CodeOfAsync(type, cancellationToken);
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var id = await ScopeIdAsync(context, scope, key, cancellationToken);
        var count = id is not { } scopeId ? 0 : await EventRows(context, code, scope, scopeId, period.From, period.To).SumAsync(s => (long)s.Count, cancellationToken);
        return new EventTotal(type, count);
    }

    /// <summary>The events of <paramref name="type"/> per period; without a start date from the first day with events.</summary>
    public async Task<Histogram<EventCount>> HistogramAsync(
        string type, StatScope scope, string? key, Period period, Interval interval, CancellationToken cancellationToken = default)
    {
        var code = await CodeOfAsync(type, cancellationToken);
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var id = await ScopeIdAsync(context, scope, key, cancellationToken);
        var days = id is not { } scopeId ? [] : await EventsPerDay(context, code, scope, scopeId, period.From, period.To).ToListAsync(cancellationToken);
        return UsageStats.Build(days.Select(d => (d.Day, new EventCount(d.Count))), period, interval, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
    }

    private async Task<short> CodeOfAsync(string type, CancellationToken cancellationToken)
    {
        if (await types.FindAsync(type, cancellationToken) is { IsConfigured: true } definition)
        {
            return definition.Code;
        }

        var configured = types.ConfiguredNames;
        throw new StatQueryException(configured.Count == 0
            ? $"'{type}' is not an event type added by configuration, and none is (Stats:Events:Types): the events stat counts those."
            : $"'{type}' is not an event type added by configuration; the events stat counts {string.Join(", ", configured)}.");
    }

    private static async Task<int?> ScopeIdAsync(StatsDbContext context, StatScope scope, string? key, CancellationToken cancellationToken)
    {
        var id = scope switch
        {
            StatScope.Repository => 0,
            StatScope.Record => await CatalogKeys.RecordIdOf(context, key!).FirstOrDefaultAsync(cancellationToken),
            StatScope.Community => await CatalogKeys.CommunityIdOf(context, key!).FirstOrDefaultAsync(cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "Configured types are counted per repository, record and community."),
        };
        return id == 0 && scope != StatScope.Repository ? null : id;
    }

    // The query builders below are what EF translates; each is listed in SqlServerTranslationTests.

    /// <summary>The rows of one type and scope in a period: a range read of the primary key.</summary>
    internal static IQueryable<EventDailyStat> EventRows(StatsDbContext context, short type, StatScope scope, int id, DateOnly from, DateOnly to) =>
        context.EventDailyStats.Where(s => s.TypeId == type && s.Scope == scope && s.ScopeId == id && s.Day >= from && s.Day <= to);

    internal static IQueryable<DailyEvents> EventsPerDay(StatsDbContext context, short type, StatScope scope, int id, DateOnly from, DateOnly to) =>
        EventRows(context, type, scope, id, from, to).Select(s => new DailyEvents(s.Day, s.Count));

    internal sealed record DailyEvents(DateOnly Day, long Count);
}
