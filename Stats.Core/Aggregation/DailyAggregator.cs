using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;
using Stats.Core.Events;

namespace Stats.Core.Aggregation;

/// <summary>What aggregating one day did.</summary>
public sealed record DayReport(DateOnly Day, long Events, TimeSpan Elapsed, string? Skipped = null);

/// <summary>
/// Recomputes one UTC day from its raw events and overwrites that day's aggregates in one transaction, so that a
/// re-run changes nothing and a failed run leaves the previous numbers in place.
/// </summary>
internal static class DailyAggregator
{
    private static readonly short s_sipProcessed = EventCatalog.CodeOf(EventCatalog.SipProcessed);

    /// <summary>
    /// Aggregates <paramref name="day"/>. With <paramref name="markVersion"/>, the day's dirty mark is cleared only if
    /// nothing changed the day since that version was read (before its events were).
    /// </summary>
    public static async Task<DayReport> AggregateAsync(
        StatsDbContext context, CatalogSnapshot catalog, DateOnly day, long? markVersion, DateTime now, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var state = await DayState(context, day).FirstOrDefaultAsync(cancellationToken);
        if (state?.RawEventsPurgedAt is not null)
        {
            // Retention deleted the day's raw events: recomputing would replace full counts with whatever came late.
            await ClearMarkAsync(context, day, markVersion, cancellationToken);
            return new DayReport(day, 0, watch.Elapsed, "raw events already deleted by retention; aggregates kept");
        }

        var events = await RawDayReader.ReadDayAsync(context, day, cancellationToken);
        var followers = await RawDayReader.ReadFollowersAsync(context, day, cancellationToken);
        await catalog.EnsureRecordsAsync(context, events.Where(e => e.RecordId is not null).Select(e => e.RecordId!.Value), cancellationToken);
        var records = events.Where(e => e.RecordId is not null).Select(e => e.RecordId!.Value).Distinct().Select(catalog.Record).OfType<RecordFacts>().ToList();
        var (concepts, owners) = DayTotals.LabelsNeeded(records);
        await catalog.EnsureLabelsAsync(context, LabelKind.Concept, concepts, cancellationToken);
        await catalog.EnsureLabelsAsync(context, LabelKind.Owner, owners, cancellationToken);
        if (events.Any(e => e.TypeId == s_sipProcessed && e.DetailId is { } status && catalog.LabelValue(status) is null))
        {
            await catalog.LoadLabelsAsync(context, LabelKind.Status, cancellationToken);
        }

        var totals = DayTotals.Compute(day, events, followers, catalog);

        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        await context.UsageDailyStats.Where(s => s.Day == day).ExecuteDeleteAsync(cancellationToken);
        await context.CountryDailyStats.Where(s => s.Day == day).ExecuteDeleteAsync(cancellationToken);
        await context.ActivityDailyStats.Where(s => s.Day == day).ExecuteDeleteAsync(cancellationToken);
        context.ChangeTracker.AutoDetectChangesEnabled = false;
        context.UsageDailyStats.AddRange(totals.Usage);
        context.CountryDailyStats.AddRange(totals.Countries);
        context.ActivityDailyStats.AddRange(totals.Activities);
        await MergeSipsAsync(context, totals, cancellationToken);
        if (state is null)
        {
            context.AggregatedDays.Add(new AggregatedDay { Day = day, AggregatedAt = now, Events = events.Count });
        }
        else
        {
            state.AggregatedAt = now;
            state.Events = events.Count;
            context.AggregatedDays.Update(state);
        }

        await context.SaveChangesAsync(cancellationToken);
        await ClearMarkAsync(context, day, markVersion, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        context.ChangeTracker.Clear();
        context.ChangeTracker.AutoDetectChangesEnabled = true;
        return new DayReport(day, events.Count, watch.Elapsed);
    }

    private static async Task MergeSipsAsync(StatsDbContext context, DayTotals totals, CancellationToken cancellationToken)
    {
        if (totals.Sips.Count == 0)
        {
            return;
        }

        var ids = totals.Sips.Keys.ToList();
        var known = await SipOutcomesAmong(context, ids).ToDictionaryAsync(s => s.SipId, cancellationToken);
        foreach (var (id, facts) in totals.Sips)
        {
            if (!known.TryGetValue(id, out var outcome))
            {
                outcome = new SipOutcome { SipId = id };
                context.SipOutcomes.Add(outcome);
            }
            else
            {
                context.SipOutcomes.Update(outcome);
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

    internal static IQueryable<AggregatedDay> DayState(StatsDbContext context, DateOnly day) =>
        context.AggregatedDays.AsNoTracking().Where(d => d.Day == day);

    internal static IQueryable<SipOutcome> SipOutcomesAmong(StatsDbContext context, IReadOnlyCollection<int> ids) =>
        context.SipOutcomes.AsNoTracking().Where(s => ids.Contains(s.SipId));
}
