using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Stats.Core.Catalog;
using Stats.Core.Data;

namespace Stats.Core.Queries;

/// <summary>A count on one day.</summary>
public sealed record DailyCount(DateOnly Day, long Count);

/// <summary>A community of the catalog: its live records today, and its records published, views and downloads in a period.</summary>
public sealed record CommunityListing(string Community, string? Name, long Records, long NewRecords, long Views, long Downloads);

/// <summary>Every community of the catalog, by id.</summary>
public sealed record CommunityDirectory(IReadOnlyList<CommunityListing> Communities);

/// <summary>A community's records published and submissions offered in a period: the totals and their histograms.</summary>
public sealed record CommunityGrowth(long NewRecords, long NewSubmissions, Histogram<NewRecordCount> NewRecordHistory, Histogram<SubmissionCount> SubmissionHistory);

/// <summary>The activity stats (catalog growth, community features, circulation): what panels call, and what their tests fake.</summary>
public interface IActivityStats
{
    /// <summary>How often an activity happened in a community over the period.</summary>
    Task<long> TotalAsync(Activity activity, string community, Period period, CancellationToken cancellationToken = default);

    /// <summary>A histogram of an activity in a community.</summary>
    Task<Histogram<T>> HistogramAsync<T>(
        Activity activity, string community, Period period, Interval interval, Func<long, T> toMetrics, CancellationToken cancellationToken = default)
        where T : IMetrics<T>;

    /// <inheritdoc cref="ActivityStats.GrowthAsync"/>
    Task<CommunityGrowth> GrowthAsync(string community, Period period, Interval interval, CancellationToken cancellationToken = default);

    /// <summary>Owners by records they published in the community over the period, with those records' usage in the period.</summary>
    Task<TopUploaders> TopUploadersAsync(string community, Period period, AccessMethod? method, int size, CancellationToken cancellationToken = default);

    /// <summary>The community's live records per access right today, and its records published per access right in the period.</summary>
    Task<CommunityAccessRights> AccessRightsAsync(string community, Period period, CancellationToken cancellationToken = default);

    /// <summary>How often each feature was used in the community over the period, most used first.</summary>
    Task<CommunityFeatures> FeaturesAsync(string community, Period period, CancellationToken cancellationToken = default);

    /// <summary>Every community of the catalog with its live records, records published, views and downloads in the period.</summary>
    Task<CommunityDirectory> CommunitiesAsync(Period period, AccessMethod? method, CancellationToken cancellationToken = default);

    /// <summary>The overview: usage, records published in the period, and the size of the catalog today.</summary>
    Task<RepositorySummary> RepositorySummaryAsync(Period period, AccessMethod? method, CancellationToken cancellationToken = default);

    /// <summary>The repository's usage and new records per period.</summary>
    Task<Histogram<RepositoryCounts>> RepositoryHistogramAsync(Period period, Interval interval, AccessMethod? method, CancellationToken cancellationToken = default);

    /// <summary>Loans, renewals, returns, overdue notices and requests over the period.</summary>
    Task<CirculationCounts> CirculationAsync(Period period, CancellationToken cancellationToken = default);

    /// <summary>Loans, renewals, returns, overdue notices and requests per period.</summary>
    Task<Histogram<CirculationCounts>> CirculationHistogramAsync(Period period, Interval interval, CancellationToken cancellationToken = default);

    /// <summary>Circulation per document (most loaned first) or per location.</summary>
    Task<CirculationBreakdown> CirculationByAsync(bool byLocation, Period period, int size, CancellationToken cancellationToken = default);
}

/// <summary>
/// What is counted without COUNTER processing, read from <see cref="ActivityDailyStat"/> (key: activity, community, day) and
/// the catalog: catalog growth, community features, circulation, and the repository overview that combines them with usage.
/// A community that is not in the catalog has nothing: its stats are zeros.
/// </summary>
public sealed class ActivityStats(IDbContextFactory<StatsDbContext> contexts, TimeProvider clock) : IActivityStats
{
    /// <summary>The community id no row has: what an unknown community reads, rather than the repository's 0.</summary>
    internal const int NoCommunity = -1;

    private static readonly AccessRight[] s_reportedAccessRights = [AccessRight.Open, AccessRight.Embargoed, AccessRight.Restricted, AccessRight.Closed];

    /// <summary>How often an activity happened in a community over the period.</summary>
    public async Task<long> TotalAsync(Activity activity, string community, Period period, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var communityId = await CommunityIdAsync(context, community, cancellationToken);
        return await ActivityTotal(context, activity, communityId, period.From, period.To).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>A histogram of an activity in a community (see <see cref="UsageStats.HistogramAsync"/> for open ends).</summary>
    public async Task<Histogram<T>> HistogramAsync<T>(
        Activity activity, string community, Period period, Interval interval, Func<long, T> toMetrics, CancellationToken cancellationToken = default)
        where T : IMetrics<T>
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var communityId = await CommunityIdAsync(context, community, cancellationToken);
        var days = await ActivityPerDay(context, activity, communityId, period.From, period.To).ToListAsync(cancellationToken);
        return UsageStats.Build(days.Select(d => (d.Day, toMetrics(d.Count))), period, interval, Today());
    }

    /// <summary>
    /// A community's new records and new submissions over the period, totals and histograms, from one read of both
    /// activities per day (they are neighbours in the key).
    /// </summary>
    public async Task<CommunityGrowth> GrowthAsync(string community, Period period, Interval interval, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var communityId = await CommunityIdAsync(context, community, cancellationToken);
        var days = await ActivityRangePerDay(context, Activity.NewRecord, Activity.NewSubmission, communityId, period.From, period.To).ToListAsync(cancellationToken);
        var records = days.Where(d => d.Activity == Activity.NewRecord).ToList();
        var submissions = days.Where(d => d.Activity == Activity.NewSubmission).ToList();
        return new CommunityGrowth(
            records.Sum(d => d.Count),
            submissions.Sum(d => d.Count),
            UsageStats.Build(records.Select(d => (d.Day, new NewRecordCount(d.Count))), period, interval, Today()),
            UsageStats.Build(submissions.Select(d => (d.Day, new SubmissionCount(d.Count))), period, interval, Today()));
    }

    /// <summary>Owners by records they published in the community over the period, with those records' usage in the period.</summary>
    public async Task<TopUploaders> TopUploadersAsync(string community, Period period, AccessMethod? method, int size, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var communityId = await CommunityIdAsync(context, community, cancellationToken);
        var owners = await TopSubjects(context, Activity.NewRecord, communityId, period.From, period.To, size).ToListAsync(cancellationToken);
        var ownerIds = owners.Select(o => o.Value).ToList();
        var records = owners.Count == 0
            ? []
            : await UsageOfOwnersInCommunity(context, ownerIds, communityId, period.From, period.To, method).ToListAsync(cancellationToken);
        var usage = records.GroupBy(r => r.OwnerId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new OwnerUsage(g.Key, g.Sum(r => r.Views), g.Sum(r => r.Downloads)), StringComparer.Ordinal);
        return new TopUploaders(community, [.. owners.Select(o => usage.TryGetValue(o.Value, out var u)
            ? new Uploader(o.Value, o.Count, u.Views, u.Downloads)
            : new Uploader(o.Value, o.Count, 0, 0))]);
    }

    /// <summary>The community's live records per access right today, and its records published per access right in the period.</summary>
    public async Task<CommunityAccessRights> AccessRightsAsync(string community, Period period, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var communityId = await CommunityIdAsync(context, community, cancellationToken);
        var catalog = await RecordsPerAccessRight(context, communityId).ToDictionaryAsync(c => c.Key, c => c.Count, cancellationToken);
        var published = await CountsPerDetail(context, Activity.NewRecord, communityId, period.From, period.To).ToDictionaryAsync(c => c.Key, c => c.Count, cancellationToken);
        var rights = s_reportedAccessRights.ToList();
        if (catalog.ContainsKey(AccessRight.Unknown) || published.ContainsKey((int)AccessRight.Unknown))
        {
            rights.Add(AccessRight.Unknown);
        }

        return new CommunityAccessRights(community, [.. rights.Select(r => new AccessRightBucket(
            r.ToString().ToLowerInvariant(), catalog.GetValueOrDefault(r), published.GetValueOrDefault((int)r)))]);
    }

    /// <summary>How often each feature was used in the community over the period, most used first.</summary>
    public async Task<CommunityFeatures> FeaturesAsync(string community, Period period, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var communityId = await CommunityIdAsync(context, community, cancellationToken);
        var features = await TopSubjects(context, Activity.FeatureUsed, communityId, period.From, period.To, int.MaxValue).ToListAsync(cancellationToken);
        return new CommunityFeatures(community, [.. features.Select(f => new FeatureBucket(f.Value, f.Count))]);
    }

    /// <summary>Every community of the catalog with its live records, records published, views and downloads in the period.</summary>
    public async Task<CommunityDirectory> CommunitiesAsync(Period period, AccessMethod? method, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var communities = await CommunitiesWithRecords(context).ToListAsync(cancellationToken);
        var usage = await UsagePerCommunity(context, period.From, period.To, method).ToDictionaryAsync(u => u.CommunityId, cancellationToken);
        var published = await ActivityPerCommunity(context, Activity.NewRecord, period.From, period.To).ToDictionaryAsync(p => p.Key, p => p.Count, cancellationToken);
        return new CommunityDirectory([.. communities
            .Select(c => new CommunityListing(
                c.ExternalId,
                c.Name,
                c.Records,
                published.GetValueOrDefault(c.Id),
                usage.TryGetValue(c.Id, out var u) ? u.Views : 0,
                usage.TryGetValue(c.Id, out var d) ? d.Downloads : 0))
            .OrderBy(c => c.Community, StringComparer.Ordinal)]);
    }

    /// <summary>The overview: usage, records published in the period, and the size of the catalog today.</summary>
    public async Task<RepositorySummary> RepositorySummaryAsync(Period period, AccessMethod? method, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var usage = await UsageStats.UsageTotals(context, StatScope.Repository, 0, period.From, period.To, method).FirstOrDefaultAsync(cancellationToken) ?? UsageCounts.Zero;
        var newRecords = await ActivityTotal(context, Activity.NewRecord, 0, period.From, period.To).FirstOrDefaultAsync(cancellationToken);
        var records = await context.Records.LongCountAsync(r => r.DeletedAt == null, cancellationToken);
        var communities = await context.Communities.LongCountAsync(cancellationToken);
        return new RepositorySummary(usage.Views, usage.UniqueViews, usage.Downloads, usage.UniqueDownloads, usage.DataVolume, newRecords, records, communities);
    }

    /// <summary>The repository's usage and new records per period.</summary>
    public async Task<Histogram<RepositoryCounts>> RepositoryHistogramAsync(Period period, Interval interval, AccessMethod? method, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var usage = await UsageStats.DailyHistoryAsync(context, StatScope.Repository, 0, period, method, cancellationToken);
        var published = await ActivityPerDay(context, Activity.NewRecord, 0, period.From, period.To).ToListAsync(cancellationToken);
        var days = usage.Select(u => (u.Day, new RepositoryCounts(u.Counts.Views, u.Counts.UniqueViews, u.Counts.Downloads, u.Counts.UniqueDownloads, u.Counts.DataVolume, 0)))
            .Concat(published.Select(p => (p.Day, RepositoryCounts.Zero with { NewRecords = p.Count })));
        return UsageStats.Build(days, period, interval, Today());
    }

    /// <summary>Loans, renewals, returns, overdue notices and requests over the period.</summary>
    public async Task<CirculationCounts> CirculationAsync(Period period, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var totals = await ActivityRangeTotals(context, Activity.LoanCreated, Activity.LoanRequested, 0, period.From, period.To).ToListAsync(cancellationToken);
        return totals.Aggregate(CirculationCounts.Zero, (sum, t) => CirculationCounts.Add(sum, Circulation(t.Activity, t.Count)));
    }

    public async Task<Histogram<CirculationCounts>> CirculationHistogramAsync(Period period, Interval interval, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var days = await ActivityRangePerDay(context, Activity.LoanCreated, Activity.LoanRequested, 0, period.From, period.To).ToListAsync(cancellationToken);
        return UsageStats.Build(days.Select(d => (d.Day, Circulation(d.Activity, d.Count))), period, interval, Today());
    }

    /// <summary>Circulation per document (most loaned first) or per location.</summary>
    public async Task<CirculationBreakdown> CirculationByAsync(bool byLocation, Period period, int size, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var buckets = await CirculationPer(context, byLocation ? s => s.DetailId : s => s.SubjectId, period.From, period.To, size).ToListAsync(cancellationToken);
        return new CirculationBreakdown(buckets);
    }

    internal static async Task<int> CommunityIdAsync(StatsDbContext context, string community, CancellationToken cancellationToken)
    {
        var id = await CatalogKeys.CommunityIdOf(context, community).FirstOrDefaultAsync(cancellationToken);
        return id == 0 ? NoCommunity : id;
    }

    internal static CirculationCounts Circulation(Activity activity, long count) => activity switch
    {
        Activity.LoanCreated => CirculationCounts.Zero with { Loans = count },
        Activity.LoanExtended => CirculationCounts.Zero with { Renewals = count },
        Activity.LoanReturned => CirculationCounts.Zero with { Returns = count },
        Activity.LoanOverdue => CirculationCounts.Zero with { Overdue = count },
        Activity.LoanRequested => CirculationCounts.Zero with { Requests = count },
        _ => CirculationCounts.Zero,
    };

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    // The query builders below are what EF translates; each is listed in SqlServerTranslationTests.

    /// <summary>One activity of one community in a period: a range read of the primary key.</summary>
    internal static IQueryable<ActivityDailyStat> ActivityRows(StatsDbContext context, Activity activity, int communityId, DateOnly from, DateOnly to) =>
        context.ActivityDailyStats.Where(s => s.Activity == activity && s.CommunityId == communityId && s.Day >= from && s.Day <= to);

    /// <summary>The sum of the counts, or no row when there is none.</summary>
    internal static IQueryable<long> ActivityTotal(StatsDbContext context, Activity activity, int communityId, DateOnly from, DateOnly to) =>
        ActivityRows(context, activity, communityId, from, to).GroupBy(s => s.CommunityId).Select(g => g.Sum(s => (long)s.Count));

    internal static IQueryable<DailyCount> ActivityPerDay(StatsDbContext context, Activity activity, int communityId, DateOnly from, DateOnly to) =>
        ActivityRows(context, activity, communityId, from, to).GroupBy(s => s.Day).Select(g => new DailyCount(g.Key, g.Sum(s => (long)s.Count)));

    /// <summary>Consecutive activities (the loans, the SIP steps) of one community: one range of the key's first column.</summary>
    internal static IQueryable<ActivityDailyStat> ActivityRangeRows(StatsDbContext context, Activity first, Activity last, int communityId, DateOnly from, DateOnly to) =>
        context.ActivityDailyStats.Where(s => s.Activity >= first && s.Activity <= last && s.CommunityId == communityId && s.Day >= from && s.Day <= to);

    internal static IQueryable<ActivityTotalRow> ActivityRangeTotals(StatsDbContext context, Activity first, Activity last, int communityId, DateOnly from, DateOnly to) =>
        ActivityRangeRows(context, first, last, communityId, from, to)
            .GroupBy(s => s.Activity)
            .Select(g => new ActivityTotalRow(g.Key, g.Sum(s => (long)s.Count), g.Sum(s => s.Amount)));

    internal static IQueryable<ActivityDayRow> ActivityRangePerDay(StatsDbContext context, Activity first, Activity last, int communityId, DateOnly from, DateOnly to) =>
        ActivityRangeRows(context, first, last, communityId, from, to)
            .GroupBy(s => new { s.Day, s.Activity })
            .Select(g => new ActivityDayRow(g.Key.Day, g.Key.Activity, g.Sum(s => (long)s.Count)));

    /// <summary>Subjects (owners, features: labels) by count, highest first, with their label's value.</summary>
    internal static IQueryable<LabelCount> TopSubjects(StatsDbContext context, Activity activity, int communityId, DateOnly from, DateOnly to, int size) =>
        ActivityRows(context, activity, communityId, from, to)
            .GroupBy(s => s.SubjectId)
            .Select(g => new { SubjectId = g.Key, Count = g.Sum(s => (long)s.Count) })
            .Join(context.Labels, s => s.SubjectId, l => l.Id, (s, l) => new { l.Value, s.Count })
            .OrderByDescending(x => x.Count).ThenBy(x => x.Value)
            .Take(size)
            .Select(x => new LabelCount(x.Value, x.Count));

    internal static IQueryable<KeyCount> CountsPerDetail(StatsDbContext context, Activity activity, int communityId, DateOnly from, DateOnly to) =>
        ActivityRows(context, activity, communityId, from, to)
            .GroupBy(s => s.DetailId)
            .Select(g => new KeyCount(g.Key, g.Sum(s => (long)s.Count)));

    internal static IQueryable<AccessRightCount> RecordsPerAccessRight(StatsDbContext context, int communityId) =>
        UsageStats.InCommunity(context.Records.Where(r => r.DeletedAt == null), communityId)
            .GroupBy(r => r.AccessRight)
            .Select(g => new AccessRightCount(g.Key, g.LongCount()));

    /// <summary>
    /// Views and downloads of each record of some owners in a community: per record, two correlated range reads (see
    /// <see cref="UsageStats.TopRecords"/>). Summed per owner by the caller: SQL Server cannot aggregate over subqueries.
    /// </summary>
    internal static IQueryable<OwnerUsage> UsageOfOwnersInCommunity(
        StatsDbContext context, IReadOnlyCollection<string> ownerIds, int communityId, DateOnly from, DateOnly to, AccessMethod? method)
    {
        var rows = UsageStats.RecordRows(context, from, to, method);
        return UsageStats.InCommunity(context.Records.Where(r => r.OwnerId != null && ownerIds.Contains(r.OwnerId)), communityId)
            .Select(r => new OwnerUsage(
                r.OwnerId!,
                rows.Where(s => s.ScopeId == r.Id).Sum(s => (long)s.Views),
                rows.Where(s => s.ScopeId == r.Id).Sum(s => (long)s.Downloads)));
    }

    /// <summary>The five circulation counts per document or location (0: none), most loaned first, with the label's value.</summary>
    internal static IQueryable<CirculationBucket> CirculationPer(
        StatsDbContext context, Expression<Func<ActivityDailyStat, int>> key, DateOnly from, DateOnly to, int size)
    {
        var counts = ActivityRangeRows(context, Activity.LoanCreated, Activity.LoanRequested, 0, from, to)
            .GroupBy(key)
            .Select(g => new
            {
                Key = g.Key,
                Loans = g.Sum(s => s.Activity == Activity.LoanCreated ? (long)s.Count : 0L),
                Renewals = g.Sum(s => s.Activity == Activity.LoanExtended ? (long)s.Count : 0L),
                Returns = g.Sum(s => s.Activity == Activity.LoanReturned ? (long)s.Count : 0L),
                Overdue = g.Sum(s => s.Activity == Activity.LoanOverdue ? (long)s.Count : 0L),
                Requests = g.Sum(s => s.Activity == Activity.LoanRequested ? (long)s.Count : 0L),
            });
        return (from c in counts
                join l in context.Labels on c.Key equals l.Id into labels
                from l in labels.DefaultIfEmpty()
                orderby c.Loans descending, c.Requests descending, l == null ? null : l.Value
                select new CirculationBucket(l == null ? null : l.Value, c.Loans, c.Renewals, c.Returns, c.Overdue, c.Requests))
            .Take(size);
    }

    /// <summary>Each community with its live records: one correlated count per community.</summary>
    internal static IQueryable<CommunityRow> CommunitiesWithRecords(StatsDbContext context) =>
        context.Communities.Select(c => new CommunityRow(c.Id, c.ExternalId, c.Name, c.Records.LongCount(r => r.DeletedAt == null)));

    /// <summary>Views and downloads of every community in a period (the community scope's rows).</summary>
    internal static IQueryable<CommunityUsage> UsagePerCommunity(StatsDbContext context, DateOnly from, DateOnly to, AccessMethod? method)
    {
        var rows = context.UsageDailyStats.Where(s => s.Scope == StatScope.Community && s.Day >= from && s.Day <= to);
        if (method is { } only)
        {
            rows = rows.Where(s => s.AccessMethod == only);
        }

        return rows.GroupBy(s => s.ScopeId).Select(g => new CommunityUsage(g.Key, g.Sum(s => (long)s.Views), g.Sum(s => (long)s.Downloads)));
    }

    /// <summary>One activity's count per community (not the repository's row, community 0) in a period.</summary>
    internal static IQueryable<KeyCount> ActivityPerCommunity(StatsDbContext context, Activity activity, DateOnly from, DateOnly to) =>
        context.ActivityDailyStats
            .Where(s => s.Activity == activity && s.CommunityId != 0 && s.Day >= from && s.Day <= to)
            .GroupBy(s => s.CommunityId)
            .Select(g => new KeyCount(g.Key, g.Sum(s => (long)s.Count)));

    internal sealed record CommunityRow(int Id, string ExternalId, string? Name, long Records);

    internal sealed record CommunityUsage(int CommunityId, long Views, long Downloads);

    internal sealed record ActivityTotalRow(Activity Activity, long Count, long Amount);

    internal sealed record ActivityDayRow(DateOnly Day, Activity Activity, long Count);

    internal sealed record LabelCount(string Value, long Count);

    internal sealed record KeyCount(int Key, long Count);

    internal sealed record AccessRightCount(AccessRight Key, long Count);

    internal sealed record OwnerUsage(string OwnerId, long Views, long Downloads);
}
