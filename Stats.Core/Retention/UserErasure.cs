using Microsoft.EntityFrameworkCore;
using Stats.Core.Aggregation;
using Stats.Core.Counting;
using Stats.Core.Data;
using Stats.Core.Ingestion;

namespace Stats.Core.Retention;

/// <summary>One day searched for a user's raw events, and how many were deleted (or, for a dry run, would be).</summary>
public sealed record ErasedDay(DateOnly Day, long Events);

/// <summary>
/// What an erasure did. <see cref="DaysSearched"/> are the days that still have a salt; <see cref="DaysNotSearchable"/>
/// are days with raw events whose salt is destroyed: their hashes can no longer be linked to anyone, so they hold no
/// personal data of the user. Days whose raw events retention already deleted hold none at all and are in neither list.
/// </summary>
public sealed record ErasureResult(bool DryRun, IReadOnlyList<ErasedDay> DaysSearched, IReadOnlyList<DateOnly> DaysNotSearchable)
{
    /// <summary>Raw events deleted, or that would be.</summary>
    public long Events => DaysSearched.Sum(d => d.Events);
}

/// <summary>
/// The right to erasure (GDPR art. 17) for raw events: deletes every raw event of a logged-in user. Raw events keep no
/// user id, only a visitor hash salted per day, so the user's hash is recomputed with each stored salt and that day's
/// events with it are deleted, one transaction per day, marking the day (and the day before, near midnight) for
/// re-aggregation. Aggregates hold counts, never identities, and are recomputed from what is left.
/// </summary>
public sealed class UserErasure(IDbContextFactory<StatsDbContext> contextFactory, TimeProvider clock)
{
    public async Task<ErasureResult> EraseAsync(string userId, bool dryRun, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        // The key ingestion hashes for an event with this user id, whatever else the event carried.
        var visitor = CounterIdentity.VisitorKey(userId, null, null, null)!;

        List<DailySalt> salts;
        List<DateOnly> withRawEvents;
        await using (var context = await contextFactory.CreateDbContextAsync(cancellationToken))
        {
            salts = await StoredSalts(context).ToListAsync(cancellationToken);
            withRawEvents = await DaysWithRawEvents(context).ToListAsync(cancellationToken);
        }

        var searched = new List<ErasedDay>(salts.Count);
        foreach (var salt in salts)
        {
            var events = await EraseDayAsync(salt.Day, DailySaltStore.Hash(salt.Salt, visitor), dryRun, cancellationToken);
            searched.Add(new ErasedDay(salt.Day, events));
        }

        var notSearchable = withRawEvents.Except(salts.Select(s => s.Day)).Order().ToList();
        return new ErasureResult(dryRun, searched, notSearchable);
    }

    private async Task<long> EraseDayAsync(DateOnly day, long visitorHash, bool dryRun, CancellationToken cancellationToken)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        var timestamps = await EventsOfVisitor(context, day, visitorHash).Select(e => e.Timestamp).ToListAsync(cancellationToken);
        if (dryRun || timestamps.Count == 0)
        {
            return timestamps.Count;
        }

        var deleted = await EventsOfVisitor(context, day, visitorHash).ExecuteDeleteAsync(cancellationToken);
        await DirtyDayMarks.MarkAsync(context, DirtyDayMarks.DaysAffectedBy(timestamps), clock.GetUtcNow().UtcDateTime, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    // The erasure's queries, one definition each, exposed for the translation tests of every provider.

    internal static IQueryable<DailySalt> StoredSalts(StatsDbContext context) =>
        context.DailySalts.AsNoTracking().OrderBy(s => s.Day);

    /// <summary>
    /// Days that may hold raw events, read from the pipeline's bookkeeping rather than from the events: every writer marks
    /// its days dirty, and the aggregator records the days it processed and retention the days it emptied.
    /// </summary>
    internal static IQueryable<DateOnly> DaysWithRawEvents(StatsDbContext context) =>
        context.DirtyDays.Select(d => d.Day).Union(context.AggregatedDays.Where(a => a.RawEventsPurgedAt == null).Select(a => a.Day));

    /// <summary>A visitor's raw events of one day: a range read of the (Timestamp, TypeId) index, filtered by the hash.</summary>
    internal static IQueryable<RawEvent> EventsOfVisitor(StatsDbContext context, DateOnly day, long visitorHash)
    {
        var start = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var end = start.AddDays(1);
        return context.RawEvents.Where(e => e.Timestamp >= start && e.Timestamp < end && e.VisitorHash == visitorHash);
    }
}
