using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;

namespace Stats.Core.Queries;

/// <summary>The SIP store's stats (global without a community): what panels call, and what their tests fake.</summary>
public interface ISipStoreStats
{
    /// <summary>Packages created, sent, succeeded and failed, records with packages, delays and the archive's size.</summary>
    Task<SipStoreSummary> SummaryAsync(string? community, Period period, CancellationToken cancellationToken = default);

    /// <summary>Packages that failed in the period, latest first.</summary>
    Task<SipFailures> FailuresAsync(string? community, Period period, int size, CancellationToken cancellationToken = default);

    /// <summary>The archive's size at the end of each period.</summary>
    Task<Histogram<ArchiveSize>> ArchiveSizeHistogramAsync(string? community, Period period, Interval interval, CancellationToken cancellationToken = default);
}

/// <summary>
/// The SIP store (archival packages sent to Archivematica): counts from <see cref="ActivityDailyStat"/>, one package's path
/// from <see cref="SipOutcome"/>, the archive's size from its daily snapshots. Without a community, the whole repository.
/// </summary>
public sealed class SipStoreStats(IDbContextFactory<StatsDbContext> contexts, TimeProvider clock) : ISipStoreStats
{
    /// <summary>
    /// Packages created, sent, succeeded and failed in the period; records with at least one package created up to the end
    /// of the period, against the live records of the catalog; delays (sent to processed) of the packages processed in the
    /// period; the archive's size at the end of the period (its last snapshot).
    /// </summary>
    public async Task<SipStoreSummary> SummaryAsync(string? community, Period period, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var communityId = community is null ? 0 : await ActivityStats.CommunityIdAsync(context, community, cancellationToken);
        var totals = (await ActivityStats.ActivityRangeTotals(context, Activity.SipCreated, Activity.SipFailed, communityId, period.From, period.To)
            .ToListAsync(cancellationToken)).ToDictionary(t => t.Activity, t => t.Count);

        var recordsWithSips = await RecordsWithSips(context, communityId, End(period)).LongCountAsync(cancellationToken);
        var records = communityId == 0
            ? await context.Records.LongCountAsync(r => r.DeletedAt == null, cancellationToken)
            : await UsageStats.InCommunity(context.Records.Where(r => r.DeletedAt == null), communityId).LongCountAsync(cancellationToken);

        // Delays need an order for the 95th percentile, which providers compute differently: the database selects the
        // processed packages of the period (a few per day), the percentile is taken here.
        var delays = (await ProcessingTimes(context, communityId, Start(period), End(period)).ToListAsync(cancellationToken))
            .Select(t => (t.ProcessedAt - t.SentAt).TotalSeconds)
            .Order()
            .ToList();
        var archiveSize = await LatestArchiveSize(context, communityId, period.To).Select(s => (long?)s).FirstOrDefaultAsync(cancellationToken);

        return new SipStoreSummary(
            totals.GetValueOrDefault(Activity.SipCreated),
            totals.GetValueOrDefault(Activity.SipSent),
            totals.GetValueOrDefault(Activity.SipSucceeded),
            totals.GetValueOrDefault(Activity.SipFailed),
            recordsWithSips,
            records,
            records == 0 ? 0 : Math.Round(100.0 * recordsWithSips / records, 2),
            delays.Count == 0 ? null : Math.Round(delays.Average(), 3),
            delays.Count == 0 ? null : NearestRank(delays, 0.95),
            archiveSize);
    }

    /// <summary>Packages that failed in the period, latest first.</summary>
    public async Task<SipFailures> FailuresAsync(string? community, Period period, int size, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var communityId = community is null ? 0 : await ActivityStats.CommunityIdAsync(context, community, cancellationToken);
        var failures = await FailedSips(context, communityId, Start(period), End(period), size).ToListAsync(cancellationToken);
        return new SipFailures(failures);
    }

    /// <summary>The archive's size at the end of each period; a period without a snapshot keeps the previous period's size.</summary>
    public async Task<Histogram<ArchiveSize>> ArchiveSizeHistogramAsync(string? community, Period period, Interval interval, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var communityId = community is null ? 0 : await ActivityStats.CommunityIdAsync(context, community, cancellationToken);
        var snapshots = await ArchiveSizePerDay(context, communityId, period.From, period.To).ToListAsync(cancellationToken);
        var histogram = UsageStats.Build(snapshots.Select(s => (s.Day, new ArchiveSize(s.Count))), period, interval, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));

        // Carried forward: the size of the archive does not drop to zero because nobody measured it that week. Before the
        // first snapshot of the range, the last one before it stands.
        var measured = snapshots.Select(s => Histograms.PeriodStart(s.Day, interval)).ToHashSet();
        var size = period.Start is { } start && start > DateOnly.MinValue && histogram.Buckets.Count > 0 && !measured.Contains(histogram.Buckets[0].Date)
            ? await LatestArchiveSize(context, communityId, start.AddDays(-1)).FirstOrDefaultAsync(cancellationToken)
            : 0;
        var buckets = new List<HistogramBucket<ArchiveSize>>(histogram.Buckets.Count);
        foreach (var bucket in histogram.Buckets)
        {
            size = measured.Contains(bucket.Date) ? bucket.Values.Bytes : size;
            buckets.Add(bucket with { Values = new ArchiveSize(size) });
        }

        return histogram with { Buckets = buckets };
    }

    /// <summary>The nearest-rank percentile of sorted values.</summary>
    internal static double NearestRank(IReadOnlyList<double> sorted, double percentile) =>
        sorted[Math.Max(0, (int)Math.Ceiling(percentile * sorted.Count) - 1)];

    private static DateTime? Start(Period period) => period.Start?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    /// <summary>The exclusive end of the period as an instant; open (null) when it ends with the calendar.</summary>
    private static DateTime? End(Period period) =>
        period.End is { } end && end < DateOnly.MaxValue ? end.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) : null;

    private static IQueryable<SipOutcome> Outcomes(StatsDbContext context, int communityId) =>
        communityId == 0 ? context.SipOutcomes : context.SipOutcomes.Where(o => o.CommunityId == communityId);

    // The query builders below are what EF translates; each is listed in SqlServerTranslationTests.

    internal static IQueryable<int> RecordsWithSips(StatsDbContext context, int communityId, DateTime? before)
    {
        var outcomes = Outcomes(context, communityId).Where(o => o.RecordId != null);
        if (before is { } end)
        {
            outcomes = outcomes.Where(o => o.CreatedAt == null || o.CreatedAt < end);
        }

        return outcomes.Select(o => o.RecordId!.Value).Distinct();
    }

    internal static IQueryable<ProcessingTime> ProcessingTimes(StatsDbContext context, int communityId, DateTime? from, DateTime? before)
    {
        var outcomes = Outcomes(context, communityId).Where(o => o.SentAt != null && o.ProcessedAt != null);
        if (from is { } start)
        {
            outcomes = outcomes.Where(o => o.ProcessedAt >= start);
        }

        if (before is { } end)
        {
            outcomes = outcomes.Where(o => o.ProcessedAt < end);
        }

        return outcomes.Select(o => new ProcessingTime(o.SentAt!.Value, o.ProcessedAt!.Value));
    }

    internal static IQueryable<SipFailure> FailedSips(StatsDbContext context, int communityId, DateTime? from, DateTime? before, int size)
    {
        var failed = Outcomes(context, communityId).Where(o => o.Succeeded == false);
        if (from is { } start)
        {
            failed = failed.Where(o => o.ProcessedAt >= start);
        }

        if (before is { } end)
        {
            failed = failed.Where(o => o.ProcessedAt < end);
        }

        return (from o in failed
                join l in context.Labels on o.SipId equals l.Id
                join r in context.Records on o.RecordId equals r.Id into records
                from r in records.DefaultIfEmpty()
                orderby o.ProcessedAt descending, l.Value
                select new SipFailure(l.Value, r == null ? null : r.ExternalId, o.ProcessedAt) { Title = r == null ? null : r.Title })
            .Take(size);
    }

    /// <summary>The last snapshot of each day (the aggregator keeps one row per day and community).</summary>
    internal static IQueryable<DailyCount> ArchiveSizePerDay(StatsDbContext context, int communityId, DateOnly from, DateOnly to) =>
        ActivityStats.ActivityRows(context, Activity.ArchiveSize, communityId, from, to)
            .GroupBy(s => s.Day)
            .Select(g => new DailyCount(g.Key, g.Max(s => s.Amount)));

    /// <summary>The latest snapshot on or before a day: a backward range read.</summary>
    internal static IQueryable<long> LatestArchiveSize(StatsDbContext context, int communityId, DateOnly onOrBefore) =>
        context.ActivityDailyStats
            .Where(s => s.Activity == Activity.ArchiveSize && s.CommunityId == communityId && s.Day <= onOrBefore)
            .OrderByDescending(s => s.Day)
            .Select(s => s.Amount);

    internal sealed record ProcessingTime(DateTime SentAt, DateTime ProcessedAt);
}
