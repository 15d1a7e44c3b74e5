using Stats.Core.Data;
using Stats.Core.Queries;

namespace Stats.Tests.Components;

/// <summary>One call a panel made to <see cref="IUsageStats"/>: which query, for what, over which period.</summary>
public sealed record UsageCall(string Query, StatScope? Scope, string? Key, Period Period, Interval? Interval = null, AccessMethod? Method = null, UsageMetric? Metric = null);

/// <summary>
/// An <see cref="IUsageStats"/> that answers what a test tells it: usage per scope and day (totals and histograms are summed
/// from it, as the real one does), files, countries, rankings and records; or a failure. It records every call.
/// </summary>
public sealed class FakeUsageStats : IUsageStats
{
    private readonly List<UsageCall> _calls = [];
    private readonly Lock _gate = new();

    /// <summary>Usage per (scope, key, access method) and day.</summary>
    public Dictionary<(StatScope Scope, string? Key, AccessMethod Method), Dictionary<DateOnly, UsageCounts>> Days { get; } = [];

    public List<FileDownloadBucket> Files { get; } = [];

    public List<CountryBucket> Countries { get; } = [];

    public List<RankedRecord> TopRecords { get; } = [];

    public List<RankedCommunity> TopCommunities { get; } = [];

    public List<RankedOwner> TopOwners { get; } = [];

    public Dictionary<string, RecordInfo> Records { get; } = new(StringComparer.Ordinal);

    /// <summary>The imported history each target (subject and id) reports.</summary>
    public Dictionary<(StatSubject Subject, string? Id), ImportedHistory> Imported { get; } = [];

    /// <summary>When set, every call throws it.</summary>
    public Exception? Failure { get; set; }

    /// <summary>When set, calls wait for it before they answer.</summary>
    public TaskCompletionSource? Pending { get; set; }

    public IReadOnlyList<UsageCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Adds a day of usage of a scope.</summary>
    public FakeUsageStats Usage(StatScope scope, string? key, DateOnly day, UsageCounts counts, AccessMethod method = AccessMethod.Regular)
    {
        if (!Days.TryGetValue((scope, key, method), out var days))
        {
            Days[(scope, key, method)] = days = [];
        }

        days[day] = days.TryGetValue(day, out var existing) ? UsageCounts.Add(existing, counts) : counts;
        return this;
    }

    public async Task<UsageCounts> TotalsAsync(StatScope scope, string? key, Period period, AccessMethod? method, CancellationToken cancellationToken = default)
    {
        await CallAsync(new UsageCall("totals", scope, key, period, null, method), cancellationToken);
        return DaysOf(scope, key, period, method).Aggregate(UsageCounts.Zero, (sum, d) => UsageCounts.Add(sum, d.Counts));
    }

    public async Task<Histogram<T>> HistogramAsync<T>(
        StatScope scope, string? key, Period period, Interval interval, AccessMethod? method, Func<UsageCounts, T> selector,
        CancellationToken cancellationToken = default)
        where T : IMetrics<T>
    {
        await CallAsync(new UsageCall("histogram", scope, key, period, interval, method), cancellationToken);
        var days = DaysOf(scope, key, period, method).OrderBy(d => d.Day).ToList();
        if (period.Start is null && days.Count == 0)
        {
            return new Histogram<T>(Histograms.Name(interval), []);
        }

        return Histograms.Build(days.Select(d => (d.Day, selector(d.Counts))), period.Start ?? days[0].Day, period.To, interval);
    }

    public async Task<FileDownloads> FileDownloadsAsync(string recid, Period period, AccessMethod? method, CancellationToken cancellationToken = default)
    {
        await CallAsync(new UsageCall("files", StatScope.Record, recid, period, null, method), cancellationToken);
        return new FileDownloads(recid, Files);
    }

    public async Task<Histogram<DownloadCounts>> FileDownloadHistogramAsync(
        string recid, string fileKey, Period period, Interval interval, AccessMethod? method, CancellationToken cancellationToken = default)
    {
        await CallAsync(new UsageCall("file-histogram", StatScope.File, $"{recid}/{fileKey}", period, interval, method), cancellationToken);
        return new Histogram<DownloadCounts>(Histograms.Name(interval), []);
    }

    public async Task<CountryStats> CountriesAsync(StatScope scope, string? key, Period period, CancellationToken cancellationToken = default)
    {
        await CallAsync(new UsageCall("countries", scope, key, period), cancellationToken);
        return new CountryStats(Countries);
    }

    public async Task<RecordRanking> TopRecordsAsync(
        RecordSet records, UsageMetric metric, Period period, AccessMethod? method, int size, CancellationToken cancellationToken = default)
    {
        var (scope, key) = records.OwnerId is { } owner ? (StatScope.Owner, owner) : records.Community is { } community ? (StatScope.Community, community) : (StatScope.Repository, (string?)null);
        await CallAsync(new UsageCall("top-records", scope, key, period, null, method, metric), cancellationToken);
        // By views, the ranking as the test wrote it; by another count, the same records ranked by their usage of the period.
        var ranked = metric == UsageMetric.Views
            ? TopRecords
            : [.. TopRecords.Select(r => r with { Value = MetricOf(RecordCounts(r.Recid, period), metric) }).OrderByDescending(r => r.Value).ThenBy(r => r.Recid, StringComparer.Ordinal)];
        return new RecordRanking(metric.ToString(), [.. ranked.Take(size)]);
    }

    public async Task<IReadOnlyList<RecordChange>> TopRecordChangesAsync(
        RecordSet records, UsageMetric metric, Period period, Period previous, ChangeOrder order, int size, CancellationToken cancellationToken = default)
    {
        var (scope, key) = records.OwnerId is { } owner ? (StatScope.Owner, owner) : records.Community is { } community ? (StatScope.Community, community) : (StatScope.Repository, (string?)null);
        await CallAsync(new UsageCall("top-record-changes", scope, key, period, null, null, metric), cancellationToken);
        // The records the test gave usage or a ranking place, as the real one reads the set's records.
        var recids = TopRecords.Select(r => r.Recid).Concat(Days.Keys.Where(k => k.Scope == StatScope.Record && k.Key is not null).Select(k => k.Key!)).Distinct(StringComparer.Ordinal);
        var changes = recids
            .Select(r => new RecordChange(r, TopRecords.FirstOrDefault(t => t.Recid == r)?.Title ?? Records.GetValueOrDefault(r)?.Title,
                MetricOf(RecordCounts(r, period), metric), MetricOf(RecordCounts(r, previous), metric)))
            .Where(c => c.Current > 0 || c.Previous > 0);
        var ordered = order == ChangeOrder.Absolute
            ? changes.OrderByDescending(c => c.Current - c.Previous)
            : changes.OrderBy(c => c.Previous == 0 ? 1 : 0).ThenByDescending(c => c.Previous == 0 ? 0.0 : (double)(c.Current - c.Previous) / c.Previous).ThenByDescending(c => c.Current);
        return [.. ordered.ThenBy(c => c.Recid, StringComparer.Ordinal).Take(size)];
    }

    public async Task<CommunityRanking> TopCommunitiesAsync(UsageMetric metric, Period period, int size, CancellationToken cancellationToken = default)
    {
        await CallAsync(new UsageCall("top-communities", StatScope.Community, null, period), cancellationToken);
        return new CommunityRanking(metric.ToString(), [.. TopCommunities.Take(size)]);
    }

    public async Task<OwnerRanking> TopOwnersAsync(UsageMetric metric, Period period, int size, CancellationToken cancellationToken = default)
    {
        await CallAsync(new UsageCall("top-owners", StatScope.Owner, null, period), cancellationToken);
        return new OwnerRanking(metric.ToString(), [.. TopOwners.Take(size)]);
    }

    public async Task<IReadOnlyDictionary<string, RecordUsage>> RecordsAsync(IReadOnlyCollection<string> recids, Period period, CancellationToken cancellationToken = default)
    {
        await CallAsync(new UsageCall("records", StatScope.Record, string.Join(",", recids), period), cancellationToken);
        return recids.ToDictionary(r => r, r =>
        {
            var c = RecordCounts(r, period);
            return new RecordUsage(c.Views, c.UniqueViews, c.Downloads, c.UniqueDownloads, c.DataVolume);
        });
    }

    private UsageCounts RecordCounts(string recid, Period period) =>
        DaysOf(StatScope.Record, recid, period, null).Aggregate(UsageCounts.Zero, (sum, d) => UsageCounts.Add(sum, d.Counts));

    private static long MetricOf(UsageCounts counts, UsageMetric metric) => metric switch
    {
        UsageMetric.UniqueViews => counts.UniqueViews,
        UsageMetric.Downloads => counts.Downloads,
        UsageMetric.UniqueDownloads => counts.UniqueDownloads,
        UsageMetric.DataVolume => counts.DataVolume,
        _ => counts.Views,
    };

    public async Task<RecordInfo?> RecordInfoAsync(string recid, CancellationToken cancellationToken = default)
    {
        await CallAsync(new UsageCall("record-info", StatScope.Record, recid, Period.All), cancellationToken);
        return Records.GetValueOrDefault(recid);
    }

    /// <summary>Whether a live record the test gave (<see cref="Records"/>) has this owner.</summary>
    public Task<bool> OwnsRecordsAsync(string ownerId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Records.Values.Any(r => r.OwnerId == ownerId && !r.Deleted));

    public async Task<ImportedHistory?> ImportedHistoryAsync(StatTarget target, Period period, CancellationToken cancellationToken = default)
    {
        await CallAsync(new UsageCall("imported-history", ScopeOf(target.Subject), target.Id, period), cancellationToken);
        return Imported.GetValueOrDefault((target.Subject, target.Id));
    }

    public async Task<AccessMethodTotals> AccessMethodTotalsAsync(StatTarget target, Period period, CancellationToken cancellationToken = default)
    {
        var scope = ScopeOf(target.Subject);
        await CallAsync(new UsageCall("access-methods", scope, target.Id, period), cancellationToken);
        return new AccessMethodTotals(Sum(scope, target.Id, period, AccessMethod.Regular), Sum(scope, target.Id, period, AccessMethod.Machine));
    }

    public async Task<IReadOnlyDictionary<string, UsageCounts>> TotalsOfManyAsync(
        StatSubject subject, IReadOnlyCollection<string> ids, Period period, CancellationToken cancellationToken = default)
    {
        var scope = ScopeOf(subject);
        await CallAsync(new UsageCall("totals-of-many", scope, string.Join(",", ids), period), cancellationToken);
        return ids.Distinct(StringComparer.Ordinal).ToDictionary(id => id, id => Sum(scope, id, period, null), StringComparer.Ordinal);
    }

    private static StatScope ScopeOf(StatSubject subject) => subject switch
    {
        StatSubject.Repository => StatScope.Repository,
        StatSubject.Record => StatScope.Record,
        StatSubject.Concept => StatScope.Concept,
        StatSubject.Community => StatScope.Community,
        _ => StatScope.Owner,
    };

    private UsageCounts Sum(StatScope scope, string? key, Period period, AccessMethod? method) =>
        DaysOf(scope, key, period, method).Aggregate(UsageCounts.Zero, (sum, d) => UsageCounts.Add(sum, d.Counts));

    private IEnumerable<(DateOnly Day, UsageCounts Counts)> DaysOf(StatScope scope, string? key, Period period, AccessMethod? method) =>
        Days.Where(d => d.Key.Scope == scope && d.Key.Key == key && (method is null || d.Key.Method == method))
            .SelectMany(d => d.Value)
            .Where(d => d.Key >= period.From && d.Key <= period.To)
            .GroupBy(d => d.Key)
            .Select(g => (g.Key, g.Select(d => d.Value).Aggregate(UsageCounts.Zero, UsageCounts.Add)));

    private async Task CallAsync(UsageCall call, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _calls.Add(call);
        }

        if (Pending is not null)
        {
            await Pending.Task.WaitAsync(cancellationToken);
        }

        if (Failure is not null)
        {
            throw Failure;
        }
    }
}
