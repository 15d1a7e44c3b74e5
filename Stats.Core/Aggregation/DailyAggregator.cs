using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;
using Stats.Core.Events;

namespace Stats.Core.Aggregation;

/// <summary>A day computed and ready to be written; without totals when it is skipped.</summary>
internal sealed record DayWork(DateOnly Day, long? MarkVersion, AggregatedDay? State, DayTotals? Totals, long Events, TimeSpan Elapsed, string? Skipped)
{
    /// <summary>The day's sources rows (<see cref="SourcesDaily"/>), computed with the totals.</summary>
    public IReadOnlyList<SourceDailyStat> Sources { get; init; } = [];

    /// <summary>Aggregate rows to write.</summary>
    public long Rows => Totals is null ? 0 : Totals.Usage.Count + Totals.Countries.Count + Totals.Activities.Count + Totals.Events.Count;
}

/// <summary>What aggregating one day did.</summary>
/// <param name="Computing">Reading the raw events and counting them.</param>
/// <param name="Writing">The day's share of writing its group's aggregates.</param>
public sealed record DayReport(DateOnly Day, long Events, TimeSpan Computing, TimeSpan Writing, string? Skipped = null)
{
    public TimeSpan Elapsed => Computing + Writing;
}

/// <summary>
/// Recomputes one UTC day from its raw events and overwrites that day's aggregates in one transaction, so that a
/// re-run changes nothing and a failed run leaves the previous numbers in place.
/// </summary>
internal static class DailyAggregator
{
    private static readonly short s_sipProcessed = EventCatalog.CodeOf(EventCatalog.SipProcessed);

    /// <summary>Aggregates one day in a transaction of its own.</summary>
    public static async Task<DayReport> AggregateAsync(
        StatsDbContext context, CatalogSnapshot catalog, DateOnly day, long? markVersion, DateTime now, CancellationToken cancellationToken)
    {
        var state = await DayStates(context, [day]).FirstOrDefaultAsync(cancellationToken);
        var work = await ComputeAsync(context, catalog, day, markVersion, state, cancellationToken);
        return (await WriteAsync(context, [work], now, cancellationToken))[0];
    }

    /// <summary>
    /// Reads <paramref name="day"/>'s raw events and computes its aggregates, outside any transaction: ingestion keeps
    /// writing meanwhile. <paramref name="markVersion"/> is the version of the day's dirty mark read before the events.
    /// </summary>
    public static async Task<DayWork> ComputeAsync(
        StatsDbContext context, CatalogSnapshot catalog, DateOnly day, long? markVersion, AggregatedDay? state, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        if (state?.RawEventsPurgedAt is not null)
        {
            // Retention deleted the day's raw events: recomputing would replace full counts with whatever came late.
            return new DayWork(day, markVersion, state, null, 0, watch.Elapsed, "raw events already deleted by retention; aggregates kept");
        }

        var events = await RawDayReader.ReadDayAsync(context, day, cancellationToken);
        var followers = await RawDayReader.ReadFollowersAsync(context, day, cancellationToken);
        await catalog.EnsureRecordsAsync(context, events.Where(e => e.RecordId is not null).Select(e => e.RecordId!.Value), cancellationToken);
        if (events.Any(e => e.TypeId == s_sipProcessed && e.DetailId is { } status && catalog.LabelValue(status) is null))
        {
            await catalog.LoadLabelsAsync(context, LabelKind.Status, cancellationToken);
        }

        var counted = DayTotals.CountedEvents(events, followers);
        var totals = DayTotals.Compute(day, events, counted, catalog);
        var sources = SourcesDaily.Compute(day, counted, catalog);
        return new DayWork(day, markVersion, state, totals, events.Count, watch.Elapsed, null) { Sources = sources };
    }

    /// <summary>
    /// Overwrites the aggregates of the computed days in one transaction (one commit for many small days) and clears
    /// their dirty marks, each only if its version is still the one read before the day's events were.
    /// </summary>
    public static async Task<List<DayReport>> WriteAsync(
        StatsDbContext context, IReadOnlyList<DayWork> days, DateTime now, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var computed = days.Where(d => d.Totals is not null).ToList();
        var dayList = computed.Select(d => d.Day).ToList();
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        if (computed.Count > 0)
        {
            // Imported history is not the raw events' to erase: its rows are derived again below, after the computed ones.
            await context.UsageDailyStats.Where(s => dayList.Contains(s.Day) && s.AccessMethod != AccessMethod.Imported).ExecuteDeleteAsync(cancellationToken);
            await context.CountryDailyStats.Where(s => dayList.Contains(s.Day)).ExecuteDeleteAsync(cancellationToken);
            await context.ActivityDailyStats.Where(s => dayList.Contains(s.Day)).ExecuteDeleteAsync(cancellationToken);
            await context.EventDailyStats.Where(s => dayList.Contains(s.Day)).ExecuteDeleteAsync(cancellationToken);
            await AggregateInserter.InsertAsync(context, [.. computed.Select(d => d.Totals!)], cancellationToken);
            await ImportedUsage.RebuildAsync(context, dayList, cancellationToken);
            await SourcesDaily.ReplaceAsync(context, dayList, [.. computed.SelectMany(d => d.Sources)], cancellationToken);
            foreach (var work in computed)
            {
                await MergeSipsAsync(context, work.Totals!, cancellationToken);
                if (work.State is { } state)
                {
                    state.AggregatedAt = now;
                    state.Events = work.Events;
                    context.AggregatedDays.Update(state);
                }
                else
                {
                    context.AggregatedDays.Add(new AggregatedDay { Day = work.Day, AggregatedAt = now, Events = work.Events });
                }
            }

            await context.SaveChangesAsync(cancellationToken);
            context.ChangeTracker.Clear();
        }

        foreach (var work in days)
        {
            await ClearMarkAsync(context, work.Day, work.MarkVersion, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        var share = watch.Elapsed / Math.Max(1, days.Count);
        return [.. days.Select(d => new DayReport(d.Day, d.Events, d.Elapsed, share, d.Skipped))];
    }

    private static async Task MergeSipsAsync(StatsDbContext context, DayTotals totals, CancellationToken cancellationToken)
    {
        if (totals.Sips.Count == 0)
        {
            return;
        }

        // An earlier day of the same transaction may have touched the SIP already: that version is the current one.
        var known = context.SipOutcomes.Local.Where(s => totals.Sips.ContainsKey(s.SipId)).ToDictionary(s => s.SipId);
        var ids = totals.Sips.Keys.Where(id => !known.ContainsKey(id)).ToList();
        foreach (var stored in await SipOutcomesAmong(context, ids).ToListAsync(cancellationToken))
        {
            known[stored.SipId] = stored;
            context.SipOutcomes.Attach(stored);
        }

        foreach (var (id, facts) in totals.Sips)
        {
            if (!known.TryGetValue(id, out var outcome))
            {
                outcome = new SipOutcome { SipId = id };
                context.SipOutcomes.Add(outcome);
            }

            outcome.RecordId = facts.RecordId ?? outcome.RecordId;
            outcome.CommunityId = facts.CommunityId ?? outcome.CommunityId;
            outcome.CreatedAt = facts.CreatedAt ?? outcome.CreatedAt;
            outcome.Size = facts.Size ?? outcome.Size;
            // Sent again or processed again on a later day: the latest wins, as within a day.
            outcome.SentAt = Latest(outcome.SentAt, facts.SentAt);
            if (facts.ProcessedAt is { } processed && (outcome.ProcessedAt is null || processed >= outcome.ProcessedAt))
            {
                outcome.ProcessedAt = processed;
                outcome.Succeeded = facts.Succeeded;
            }
        }
    }

    private static DateTime? Latest(DateTime? a, DateTime? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private static async Task ClearMarkAsync(StatsDbContext context, DateOnly day, long? markVersion, CancellationToken cancellationToken)
    {
        if (markVersion is { } version)
        {
            await context.DirtyDays.Where(d => d.Day == day && d.Version == version).ExecuteDeleteAsync(cancellationToken);
        }
    }

    // The aggregator's queries, exposed for the translation tests of every provider.

    internal static IQueryable<AggregatedDay> DayStates(StatsDbContext context, IReadOnlyCollection<DateOnly> days) =>
        context.AggregatedDays.AsNoTracking().Where(d => days.Contains(d.Day));

    internal static IQueryable<SipOutcome> SipOutcomesAmong(StatsDbContext context, IReadOnlyCollection<int> ids) =>
        context.SipOutcomes.AsNoTracking().Where(s => ids.Contains(s.SipId));
}
