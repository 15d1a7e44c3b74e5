using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stats.Core.Data;

namespace Stats.Core.Retention;

/// <summary>The raw events of one day that a purge deleted, or that a dry run would delete.</summary>
public sealed record PurgedDay(DateOnly Day, long Events);

/// <summary>
/// What a purge did (or, for a dry run, would do): the days whose raw events it deleted, and the days past the
/// horizon it left alone because they are not aggregated (never, or not since their last change).
/// </summary>
public sealed record PurgeResult(bool DryRun, DateOnly? Horizon, IReadOnlyList<PurgedDay> Days, IReadOnlyList<DateOnly> NotAggregated)
{
    /// <summary>Raw events deleted, or that would be.</summary>
    public long Events => Days.Sum(d => d.Events);
}

/// <summary>
/// Retention: deletes the raw events of UTC days before the horizon (today minus <see cref="RetentionOptions.RawEventMaxAgeDays"/>),
/// but only of days the aggregator has processed and that have not changed since, so nothing is deleted before it is
/// counted (docs/domain/aggregation.md#raw-events-after-aggregation). Aggregates are never touched. On PostgreSQL a whole
/// month past the horizon goes at once, its partition dropped (ADR-017); the rest is deleted day by day, each day in slices
/// of at most <see cref="RetentionOptions.PurgeBatchSize"/> events, one transaction each, each range-reading the (Timestamp, TypeId) index.
/// </summary>
public sealed class RawEventPurger(IDbContextFactory<StatsDbContext> contextFactory, IOptions<RetentionOptions> options, TimeProvider clock)
{
    /// <summary>Purges every day that may be purged now; with <paramref name="dryRun"/>, only counts what it would delete.</summary>
    public async Task<PurgeResult> PurgeAsync(bool dryRun, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        if (settings.HorizonAt(now) is not { } horizon)
        {
            return new PurgeResult(dryRun, null, [], []);
        }

        // Whole months first, where the store keeps them apart (PostgreSQL): what is left is deleted day by day below.
        List<PurgedDay> days = dryRun ? [] : await DropMonthsAsync(horizon, now.UtcDateTime, cancellationToken);

        List<DateOnly> aggregated;
        SortedSet<DateOnly> notAggregated;
        await using (var context = await contextFactory.CreateDbContextAsync(cancellationToken))
        {
            aggregated = await AggregatedDaysBefore(context, horizon).ToListAsync(cancellationToken);
            notAggregated = [.. await DirtyDaysBefore(context, horizon).ToListAsync(cancellationToken)];
        }

        foreach (var day in aggregated.Where(d => !notAggregated.Contains(d)))
        {
            var events = dryRun
                ? await CountAsync(day, cancellationToken)
                : await PurgeDayAsync(day, settings.PurgeBatchSize, now.UtcDateTime, cancellationToken);
            if (events is null)
            {
                // It changed since the list was read: the aggregator has to see it again first.
                notAggregated.Add(day);
                continue;
            }

            days.Add(new PurgedDay(day, events.Value));
        }

        return new PurgeResult(dryRun, horizon, [.. days.OrderBy(d => d.Day)], [.. notAggregated]);
    }

    /// <summary>
    /// Drops the partition of every month that ends on or before the horizon and has no day waiting for the aggregator,
    /// and marks its aggregated days purged as the row delete does, in one transaction per month. A day's events are the
    /// ones the aggregator counted (<see cref="AggregatedDay.Events"/>): the day has not changed since. Nothing on the
    /// providers that keep raw events in one table.
    /// </summary>
    private async Task<List<PurgedDay>> DropMonthsAsync(DateOnly horizon, DateTime now, CancellationToken cancellationToken)
    {
        var purged = new List<PurgedDay>();
        IReadOnlyList<DateOnly> months;
        await using (var context = await contextFactory.CreateDbContextAsync(cancellationToken))
        {
            months = await RawEventPartitions.ListAsync(context, cancellationToken);
        }

        foreach (var month in months.Where(m => m.AddMonths(1) <= horizon))
        {
            await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
            // Under the partitions' lock and in the dropping transaction: a writer that marked a day of this month dirty
            // (an import) keeps the month, which is then deleted day by day once aggregated.
            await RawEventPartitions.LockAsync(context, cancellationToken);
            if (await DirtyDaysOfMonth(context, month).AnyAsync(cancellationToken))
            {
                continue;
            }

            var days = await UnpurgedDaysOfMonth(context, month).Select(d => new PurgedDay(d.Day, d.Events)).ToListAsync(cancellationToken);
            await UnpurgedDaysOfMonth(context, month).ExecuteUpdateAsync(u => u.SetProperty(d => d.RawEventsPurgedAt, now), cancellationToken);
            if (!await RawEventPartitions.DropAsync(context, month, cancellationToken))
            {
                // RawEvents was busy for longer than the drop may wait: the marks roll back, and the next run tries again.
                continue;
            }

            await transaction.CommitAsync(cancellationToken);
            RawEventPartitions.Forget(context, month);
            purged.AddRange(days);
        }

        return purged;
    }

    /// <summary>Days of the month of <paramref name="month"/> waiting for the aggregator.</summary>
    private static IQueryable<DirtyDay> DirtyDaysOfMonth(StatsDbContext context, DateOnly month)
    {
        var next = month.AddMonths(1);
        return context.DirtyDays.Where(d => d.Day >= month && d.Day < next);
    }

    /// <summary>Aggregated days of the month of <paramref name="month"/> whose raw events are still there, oldest first.</summary>
    private static IQueryable<AggregatedDay> UnpurgedDaysOfMonth(StatsDbContext context, DateOnly month)
    {
        var next = month.AddMonths(1);
        return context.AggregatedDays.Where(d => d.Day >= month && d.Day < next && d.RawEventsPurgedAt == null).OrderBy(d => d.Day);
    }

    private async Task<long?> CountAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var (start, end) = Bounds(day);
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await EventsBetween(context, start, end).LongCountAsync(cancellationToken);
    }

    /// <summary>Deletes a day's raw events slice by slice; null when the day stopped being purgeable before it was done.</summary>
    private async Task<long?> PurgeDayAsync(DateOnly day, int batchSize, DateTime now, CancellationToken cancellationToken)
    {
        var (cursor, end) = Bounds(day);
        long deleted = 0;
        while (true)
        {
            await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
            // Checked in the deleting transaction, not only when the days were listed: an import or an erasure may have
            // changed the day since, and its events must be aggregated before they are deleted.
            if (!await PurgeableDay(context, day).AnyAsync(cancellationToken))
            {
                return null;
            }

            var sliceEnd = await SliceEnd(context, cursor, end, batchSize).FirstOrDefaultAsync(cancellationToken) ?? end;
            if (sliceEnd == cursor)
            {
                // More than a batch of events at one instant: take that instant whole, or the slice would be empty.
                sliceEnd = await EventsBetween(context, cursor, end).Where(e => e.Timestamp > cursor).MinAsync(e => (DateTime?)e.Timestamp, cancellationToken) ?? end;
            }

            deleted += await EventsBetween(context, cursor, sliceEnd).ExecuteDeleteAsync(cancellationToken);
            if (sliceEnd == end)
            {
                await context.AggregatedDays.Where(d => d.Day == day)
                    .ExecuteUpdateAsync(u => u.SetProperty(d => d.RawEventsPurgedAt, now), cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            if (sliceEnd == end)
            {
                return deleted;
            }

            cursor = sliceEnd;
        }
    }

    private static (DateTime Start, DateTime End) Bounds(DateOnly day) =>
        (day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));

    // The purger's queries, one definition each, exposed for the translation tests of every provider.

    /// <summary>Aggregated days before the horizon whose raw events are still there, oldest first.</summary>
    internal static IQueryable<DateOnly> AggregatedDaysBefore(StatsDbContext context, DateOnly horizon) =>
        context.AggregatedDays.Where(d => d.Day < horizon && d.RawEventsPurgedAt == null).OrderBy(d => d.Day).Select(d => d.Day);

    /// <summary>Days before the horizon waiting for the aggregator (never aggregated, or changed since).</summary>
    internal static IQueryable<DateOnly> DirtyDaysBefore(StatsDbContext context, DateOnly horizon) =>
        context.DirtyDays.Where(d => d.Day < horizon).OrderBy(d => d.Day).Select(d => d.Day);

    /// <summary>The day, if it is aggregated and unchanged since.</summary>
    internal static IQueryable<DateOnly> PurgeableDay(StatsDbContext context, DateOnly day) =>
        context.AggregatedDays.Where(a => a.Day == day && !context.DirtyDays.Any(d => d.Day == day)).Select(a => a.Day);

    /// <summary>Raw events in [<paramref name="from"/>, <paramref name="to"/>): a range read of the (Timestamp, TypeId) index.</summary>
    internal static IQueryable<RawEvent> EventsBetween(StatsDbContext context, DateTime from, DateTime to) =>
        context.RawEvents.Where(e => e.Timestamp >= from && e.Timestamp < to);

    /// <summary>
    /// Where a slice of at most <paramref name="batchSize"/> events starting at <paramref name="from"/> ends: the time of the
    /// next event after them, which the slice excludes. Empty when fewer are left before <paramref name="to"/>.
    /// </summary>
    internal static IQueryable<DateTime?> SliceEnd(StatsDbContext context, DateTime from, DateTime to, int batchSize) =>
        EventsBetween(context, from, to).OrderBy(e => e.Timestamp).Select(e => (DateTime?)e.Timestamp).Skip(batchSize);
}
