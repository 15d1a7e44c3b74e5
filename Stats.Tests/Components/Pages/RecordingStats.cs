using Stats.Core.Data;
using Stats.Core.Queries;

namespace Stats.Tests.Components.Pages;

/// <summary>
/// The query services of the panels, answering what a test set and recording every period they were asked for; a test that
/// sets <see cref="Failure"/> makes every query throw it.
/// </summary>
public abstract class RecordingStats
{
    private readonly List<(string Query, Period Period)> _calls = [];

    /// <summary>Thrown by every query when set: a store that does not answer.</summary>
    public Exception? Failure { get; set; }

    /// <summary>The queries asked, with their period, in order.</summary>
    public IReadOnlyList<(string Query, Period Period)> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>The periods a query was asked for.</summary>
    public IReadOnlyList<Period> PeriodsOf(string query) => [.. Calls.Where(c => c.Query == query).Select(c => c.Period)];

    protected Task<T> Answer<T>(string query, Period period, T value)
    {
        lock (_calls)
        {
            _calls.Add((query, period));
        }

        return Failure is { } failure ? Task.FromException<T>(failure) : Task.FromResult(value);
    }

    protected static Histogram<T> Map<TSource, T>(Histogram<TSource> source, Func<TSource, T> select) =>
        new(source.Interval, [.. source.Buckets.Select(b => new HistogramBucket<T>(b.Date, select(b.Values)))]);
}

public sealed class RecordingUsageStats : RecordingStats, IUsageStats
{
    public UsageCounts Totals { get; set; } = UsageCounts.Zero;

    /// <summary>What the previous period answers (any period that does not end on <see cref="CurrentEnd"/>).</summary>
    public UsageCounts PreviousTotals { get; set; } = UsageCounts.Zero;

    /// <summary>The last day of the shown period, to tell it from the compared one.</summary>
    public DateOnly CurrentEnd { get; set; } = DateOnly.FromDateTime(Components.DashboardTestContext.Now.UtcDateTime);

    public Histogram<UsageCounts> History { get; set; } = new("day", []);

    public CountryStats Countries { get; set; } = new([]);

    public CountryStats PreviousCountries { get; set; } = new([]);

    public RecordRanking TopRecords { get; set; } = new("views", []);

    public Task<UsageCounts> TotalsAsync(StatScope scope, string? key, Period period, AccessMethod? method, CancellationToken cancellationToken = default) =>
        Answer($"totals:{scope}:{key}", period, period.End == CurrentEnd ? Totals : PreviousTotals);

    public Task<Histogram<T>> HistogramAsync<T>(
        StatScope scope, string? key, Period period, Interval interval, AccessMethod? method, Func<UsageCounts, T> selector, CancellationToken cancellationToken = default)
        where T : IMetrics<T> =>
        Answer($"histogram:{scope}:{key}", period, Map(History, selector));

    public Task<FileDownloads> FileDownloadsAsync(string recid, Period period, AccessMethod? method, CancellationToken cancellationToken = default) =>
        Answer("file-downloads", period, new FileDownloads(recid, []));

    public Task<Histogram<DownloadCounts>> FileDownloadHistogramAsync(
        string recid, string fileKey, Period period, Interval interval, AccessMethod? method, CancellationToken cancellationToken = default) =>
        Answer("file-download-histogram", period, new Histogram<DownloadCounts>("day", []));

    public Task<CountryStats> CountriesAsync(StatScope scope, string? key, Period period, CancellationToken cancellationToken = default) =>
        Answer($"countries:{scope}:{key}", period, period.End == CurrentEnd ? Countries : PreviousCountries);

    public Task<RecordRanking> TopRecordsAsync(RecordSet records, UsageMetric metric, Period period, AccessMethod? method, int size, CancellationToken cancellationToken = default) =>
        Answer($"top-records:{records.Community}:{metric}", period, TopRecords);

    public Task<IReadOnlyList<RecordChange>> TopRecordChangesAsync(
        RecordSet records, UsageMetric metric, Period period, Period previous, ChangeOrder order, int size, CancellationToken cancellationToken = default) =>
        Answer<IReadOnlyList<RecordChange>>($"top-record-changes:{records.Community}:{metric}", period, []);

    public Task<IReadOnlyDictionary<string, RecordUsage>> RecordsAsync(IReadOnlyCollection<string> recids, Period period, CancellationToken cancellationToken = default) =>
        Answer<IReadOnlyDictionary<string, RecordUsage>>("records", period, new Dictionary<string, RecordUsage>());

    public Task<RecordInfo?> RecordInfoAsync(string recid, CancellationToken cancellationToken = default) =>
        Answer<RecordInfo?>("record-info", default, null);

    public Task<bool> OwnsRecordsAsync(string ownerId, CancellationToken cancellationToken = default) =>
        Answer($"owns-records:{ownerId}", default, false);

    public Task<ImportedHistory?> ImportedHistoryAsync(StatTarget target, Period period, CancellationToken cancellationToken = default) =>
        Answer<ImportedHistory?>($"imported-history:{target.Subject}:{target.Id}", period, null);

    public Task<AccessMethodTotals> AccessMethodTotalsAsync(StatTarget target, Period period, CancellationToken cancellationToken = default) =>
        Answer($"access-methods:{target.Subject}:{target.Id}", period, new AccessMethodTotals(period.End == CurrentEnd ? Totals : PreviousTotals, UsageCounts.Zero));

    public Task<IReadOnlyDictionary<string, UsageCounts>> TotalsOfManyAsync(
        StatSubject subject, IReadOnlyCollection<string> ids, Period period, CancellationToken cancellationToken = default) =>
        Answer<IReadOnlyDictionary<string, UsageCounts>>($"totals-of-many:{subject}", period, ids.Distinct(StringComparer.Ordinal).ToDictionary(id => id, _ => Totals, StringComparer.Ordinal));

    public Task<CommunityRanking> TopCommunitiesAsync(UsageMetric metric, Period period, int size, CancellationToken cancellationToken = default) =>
        Answer("top-communities", period, new CommunityRanking("views", []));

    public Task<OwnerRanking> TopOwnersAsync(UsageMetric metric, Period period, int size, CancellationToken cancellationToken = default) =>
        Answer("top-owners", period, TopOwners);

    public OwnerRanking TopOwners { get; set; } = new("views", []);
}

public sealed class RecordingActivityStats : RecordingStats, IActivityStats
{
    public DateOnly CurrentEnd { get; set; } = DateOnly.FromDateTime(Components.DashboardTestContext.Now.UtcDateTime);

    /// <summary>Totals per activity in the shown period; the previous period answers half of them.</summary>
    public Dictionary<Activity, long> Totals { get; } = [];

    /// <summary>Daily counts per activity, bucketed as given.</summary>
    public Dictionary<Activity, Histogram<long>> Histories { get; } = [];

    public TopUploaders Uploaders { get; set; } = new("", []);

    public CommunityAccessRights AccessRights { get; set; } = new("", []);

    public CommunityFeatures Features { get; set; } = new("", []);

    public CommunityDirectory Directory { get; set; } = new([]);

    public CirculationCounts Circulation { get; set; } = CirculationCounts.Zero;

    public CirculationCounts PreviousCirculation { get; set; } = CirculationCounts.Zero;

    public Histogram<CirculationCounts> CirculationHistory { get; set; } = new("day", []);

    public CirculationBreakdown Documents { get; set; } = new([]);

    public CirculationBreakdown Locations { get; set; } = new([]);

    public Task<long> TotalAsync(Activity activity, string community, Period period, CancellationToken cancellationToken = default) =>
        Answer($"total:{activity}:{community}", period, period.End == CurrentEnd ? Totals.GetValueOrDefault(activity) : Totals.GetValueOrDefault(activity) / 2);

    public Task<Histogram<T>> HistogramAsync<T>(
        Activity activity, string community, Period period, Interval interval, Func<long, T> toMetrics, CancellationToken cancellationToken = default)
        where T : IMetrics<T> =>
        Answer($"histogram:{activity}:{community}", period, Map(Histories.GetValueOrDefault(activity) ?? new Histogram<long>("day", []), toMetrics));

    public Task<CommunityGrowth> GrowthAsync(string community, Period period, Interval interval, CancellationToken cancellationToken = default) =>
        Answer($"growth:{community}", period, new CommunityGrowth(
            period.End == CurrentEnd ? Totals.GetValueOrDefault(Activity.NewRecord) : Totals.GetValueOrDefault(Activity.NewRecord) / 2,
            period.End == CurrentEnd ? Totals.GetValueOrDefault(Activity.NewSubmission) : Totals.GetValueOrDefault(Activity.NewSubmission) / 2,
            Map(Histories.GetValueOrDefault(Activity.NewRecord) ?? new Histogram<long>("day", []), n => new NewRecordCount(n)),
            Map(Histories.GetValueOrDefault(Activity.NewSubmission) ?? new Histogram<long>("day", []), n => new SubmissionCount(n))));

    public Task<TopUploaders> TopUploadersAsync(string community, Period period, AccessMethod? method, int size, CancellationToken cancellationToken = default) =>
        Answer($"top-uploaders:{community}", period, Uploaders);

    public Task<CommunityAccessRights> AccessRightsAsync(string community, Period period, CancellationToken cancellationToken = default) =>
        Answer($"access-rights:{community}", period, AccessRights);

    public Task<CommunityFeatures> FeaturesAsync(string community, Period period, CancellationToken cancellationToken = default) =>
        Answer($"features:{community}", period, Features);

    public Task<CommunityDirectory> CommunitiesAsync(Period period, AccessMethod? method, CancellationToken cancellationToken = default) =>
        Answer("communities", period, Directory);

    public Task<RepositorySummary> RepositorySummaryAsync(Period period, AccessMethod? method, CancellationToken cancellationToken = default) =>
        Answer("repository-summary", period, new RepositorySummary(0, 0, 0, 0, 0, 0, 0, 0));

    public Task<Histogram<RepositoryCounts>> RepositoryHistogramAsync(Period period, Interval interval, AccessMethod? method, CancellationToken cancellationToken = default) =>
        Answer("repository-histogram", period, new Histogram<RepositoryCounts>("day", []));

    public Task<CirculationCounts> CirculationAsync(Period period, CancellationToken cancellationToken = default) =>
        Answer("circulation", period, period.End == CurrentEnd ? Circulation : PreviousCirculation);

    public Task<Histogram<CirculationCounts>> CirculationHistogramAsync(Period period, Interval interval, CancellationToken cancellationToken = default) =>
        Answer("circulation-histogram", period, CirculationHistory);

    public Task<CirculationBreakdown> CirculationByAsync(bool byLocation, Period period, int size, CancellationToken cancellationToken = default) =>
        Answer(byLocation ? "circulation-locations" : "circulation-documents", period, byLocation ? Locations : Documents);
}

public sealed class RecordingSipStoreStats : RecordingStats, ISipStoreStats
{
    public DateOnly CurrentEnd { get; set; } = DateOnly.FromDateTime(Components.DashboardTestContext.Now.UtcDateTime);

    public SipStoreSummary Summary { get; set; } = new(0, 0, 0, 0, 0, 0, 0, null, null, null);

    public SipStoreSummary PreviousSummary { get; set; } = new(0, 0, 0, 0, 0, 0, 0, null, null, null);

    public SipFailures Failures { get; set; } = new([]);

    public Histogram<ArchiveSize> ArchiveHistory { get; set; } = new("day", []);

    public Task<SipStoreSummary> SummaryAsync(string? community, Period period, CancellationToken cancellationToken = default) =>
        Answer($"summary:{community}", period, period.End == CurrentEnd ? Summary : PreviousSummary);

    public Task<SipFailures> FailuresAsync(string? community, Period period, int size, CancellationToken cancellationToken = default) =>
        Answer($"failures:{community}", period, Failures);

    public Task<Histogram<ArchiveSize>> ArchiveSizeHistogramAsync(string? community, Period period, Interval interval, CancellationToken cancellationToken = default) =>
        Answer($"archive-size:{community}", period, ArchiveHistory);
}
