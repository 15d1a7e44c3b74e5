using System.Text.Json.Serialization;

namespace Stats.Core.Queries;

// What the stats answer. Property names become snake_case in JSON (invenio-stats' convention): see StatJson.

/// <summary>All usage metrics of a scope: COUNTER views (investigations that are not requests), downloads (requests), bytes.</summary>
public sealed record UsageCounts(long Views, long UniqueViews, long Downloads, long UniqueDownloads, long DataVolume) : IMetrics<UsageCounts>
{
    public static UsageCounts Zero { get; } = new(0, 0, 0, 0, 0);

    public static UsageCounts Add(UsageCounts left, UsageCounts right) => new(
        left.Views + right.Views, left.UniqueViews + right.UniqueViews, left.Downloads + right.Downloads,
        left.UniqueDownloads + right.UniqueDownloads, left.DataVolume + right.DataVolume);

    public ViewCounts ToViews() => new(Views, UniqueViews);

    public DownloadCounts ToDownloads() => new(Downloads, UniqueDownloads, DataVolume);
}

public sealed record ViewCounts(long Views, long UniqueViews) : IMetrics<ViewCounts>
{
    public static ViewCounts Zero { get; } = new(0, 0);

    public static ViewCounts Add(ViewCounts left, ViewCounts right) => new(left.Views + right.Views, left.UniqueViews + right.UniqueViews);
}

public sealed record DownloadCounts(long Downloads, long UniqueDownloads, long DataVolume) : IMetrics<DownloadCounts>
{
    public static DownloadCounts Zero { get; } = new(0, 0, 0);

    public static DownloadCounts Add(DownloadCounts left, DownloadCounts right) =>
        new(left.Downloads + right.Downloads, left.UniqueDownloads + right.UniqueDownloads, left.DataVolume + right.DataVolume);
}

/// <summary>Records published.</summary>
public sealed record NewRecordCount(long NewRecords) : IMetrics<NewRecordCount>
{
    public static NewRecordCount Zero { get; } = new(0);

    public static NewRecordCount Add(NewRecordCount left, NewRecordCount right) => new(left.NewRecords + right.NewRecords);
}

/// <summary>Deposits offered to a community.</summary>
public sealed record SubmissionCount(long NewSubmissions) : IMetrics<SubmissionCount>
{
    public static SubmissionCount Zero { get; } = new(0);

    public static SubmissionCount Add(SubmissionCount left, SubmissionCount right) => new(left.NewSubmissions + right.NewSubmissions);
}

/// <summary>The repository's usage and growth.</summary>
public sealed record RepositoryCounts(long Views, long UniqueViews, long Downloads, long UniqueDownloads, long DataVolume, long NewRecords)
    : IMetrics<RepositoryCounts>
{
    public static RepositoryCounts Zero { get; } = new(0, 0, 0, 0, 0, 0);

    public static RepositoryCounts Add(RepositoryCounts left, RepositoryCounts right) => new(
        left.Views + right.Views, left.UniqueViews + right.UniqueViews, left.Downloads + right.Downloads,
        left.UniqueDownloads + right.UniqueDownloads, left.DataVolume + right.DataVolume, left.NewRecords + right.NewRecords);
}

/// <summary>Library circulation: loans created, renewed (loan-extended), returned, overdue, requested.</summary>
public sealed record CirculationCounts(long Loans, long Renewals, long Returns, long Overdue, long Requests) : IMetrics<CirculationCounts>
{
    public static CirculationCounts Zero { get; } = new(0, 0, 0, 0, 0);

    public static CirculationCounts Add(CirculationCounts left, CirculationCounts right) => new(
        left.Loans + right.Loans, left.Renewals + right.Renewals, left.Returns + right.Returns,
        left.Overdue + right.Overdue, left.Requests + right.Requests);
}

/// <summary>The SIP store's size at the end of a period: a snapshot, so a later one replaces an earlier one instead of adding up.</summary>
public sealed record ArchiveSize(long Bytes) : IMetrics<ArchiveSize>
{
    public static ArchiveSize Zero { get; } = new(0);

    public static ArchiveSize Add(ArchiveSize left, ArchiveSize right) => right;
}

/// <summary>
/// The frame of invenio-stats' totals (its terms query): the period asked for first, <c>start_date</c> and <c>end_date</c> as
/// ISO date-times (null when open), then the fields copied from the record, then the metrics.
/// </summary>
public abstract record PeriodTotals(Period Asked)
{
    [JsonIgnore]
    public Period Asked { get; init; } = Asked;

    [JsonPropertyOrder(-2)]
    [JsonConverter(typeof(IsoDayConverter))]
    public DateOnly? StartDate => Asked.Start;

    [JsonPropertyOrder(-1)]
    [JsonConverter(typeof(IsoDayConverter))]
    public DateOnly? EndDate => Asked.End;
}

/// <summary>record-view; <paramref name="ParentRecid"/> is the catalog's concept of the record, null when it has none.</summary>
public sealed record RecordViews(Period Asked, string Recid, string? ParentRecid, long Views, long UniqueViews) : PeriodTotals(Asked);

public sealed record ConceptViews(Period Asked, string ParentRecid, long Views, long UniqueViews) : PeriodTotals(Asked);

/// <summary>record-download; <paramref name="ParentRecid"/> as in <see cref="RecordViews"/>.</summary>
public sealed record RecordDownloads(Period Asked, string Recid, string? ParentRecid, long Downloads, long UniqueDownloads, long DataVolume) : PeriodTotals(Asked);

public sealed record ConceptDownloads(Period Asked, string ParentRecid, long Downloads, long UniqueDownloads, long DataVolume) : PeriodTotals(Asked);

/// <summary>One file of a bucket in invenio-stats' terms buckets: <c>value</c> is invenio's name for the downloads.</summary>
public sealed record FileKeyDownloads(string Key, long Value, long Downloads, long UniqueDownloads, long DataVolume);

/// <summary>
/// bucket-file-download-total, invenio-stats' terms query on <c>file_key</c>: the downloads of the files of one bucket (one
/// version of a record), most downloaded first; the totals are the sums of the files', as invenio's are.
/// </summary>
public sealed record BucketFileDownloads(
    Period Asked, string BucketId, long Value, long Downloads, long UniqueDownloads, long DataVolume,
    [property: JsonPropertyOrder(1)] IReadOnlyList<FileKeyDownloads> Buckets) : PeriodTotals(Asked)
{
    public string Type { get; } = "bucket";

    public string Field { get; } = "file_key";

    public string KeyType { get; } = "terms";
}

/// <summary>A period of bucket-file-download-histogram: the file's downloads (<c>value</c>, invenio's name, and ours), and the fields it copies.</summary>
public sealed record BucketFileDayDownloads(long Value, long Downloads, long UniqueDownloads, long DataVolume, string BucketId, string FileKey);

public sealed record FileDownloadBucket(string Key, long Downloads, long UniqueDownloads, long DataVolume);

/// <summary>Downloads per file of a record, most downloaded first.</summary>
public sealed record FileDownloads(string Recid, IReadOnlyList<FileDownloadBucket> Buckets);

public sealed record CommunityViews(string Community, long Views, long UniqueViews);

public sealed record CommunityDownloads(string Community, long Downloads, long UniqueDownloads, long DataVolume);

public sealed record CommunityNewRecords(string Community, long NewRecords);

public sealed record CommunityNewSubmissions(string Community, long NewSubmissions);

public sealed record RankedRecord(string Recid, string? Title, long Value);

/// <summary>Records ranked by a metric over a period, highest first (ties by recid).</summary>
public sealed record RecordRanking(string Metric, IReadOnlyList<RankedRecord> Records);

/// <summary>A record's count of one metric in a period and in the period before it.</summary>
public sealed record RecordChange(string Recid, string? Title, long Current, long Previous);

/// <summary>What a ranking of records by change puts first.</summary>
public enum ChangeOrder
{
    /// <summary>The largest growth in the count (current minus previous).</summary>
    Absolute,

    /// <summary>The largest growth relative to the previous count; records without previous usage (no ratio) come last.</summary>
    Relative,
}

public sealed record RankedOwner(string OwnerId, long Value);

/// <summary>Owners ranked by a metric of their records' usage over a period, highest first (ties by owner id).</summary>
public sealed record OwnerRanking(string Metric, IReadOnlyList<RankedOwner> Owners);

public sealed record RankedCommunity(string Community, string? Name, long Value);

/// <summary>Communities ranked by a metric of their records' usage over a period, highest first (ties by id).</summary>
public sealed record CommunityRanking(string Metric, IReadOnlyList<RankedCommunity> Communities);

/// <summary>An owner's records published in a community over the period, and their usage in that period.</summary>
public sealed record Uploader(string OwnerId, long NewRecords, long Views, long Downloads);

public sealed record TopUploaders(string Community, IReadOnlyList<Uploader> Uploaders);

/// <summary>Records of the catalog with an access right today, and records published with it in the period.</summary>
public sealed record AccessRightBucket(string AccessRight, long Records, long NewRecords);

public sealed record CommunityAccessRights(string Community, IReadOnlyList<AccessRightBucket> Buckets);

public sealed record FeatureBucket(string Feature, long Count);

public sealed record CommunityFeatures(string Community, IReadOnlyList<FeatureBucket> Buckets);

public sealed record UserStats(string OwnerId, long Views, long UniqueViews, long Downloads, long UniqueDownloads, long DataVolume);

public sealed record CountryBucket(string Country, long Views, long UniqueViews, long Downloads, long UniqueDownloads);

/// <summary>Usage per country ("ZZ" = unknown), most viewed first.</summary>
public sealed record CountryStats(IReadOnlyList<CountryBucket> Buckets);

public sealed record RepositorySummary(
    long Views, long UniqueViews, long Downloads, long UniqueDownloads, long DataVolume, long NewRecords, long Records, long Communities);

/// <summary>Circulation of one document or location (null key: loans without a location).</summary>
public sealed record CirculationBucket(string? Key, long Loans, long Renewals, long Returns, long Overdue, long Requests);

public sealed record CirculationBreakdown(IReadOnlyList<CirculationBucket> Buckets);

/// <summary>The SIP store over a period; delays are from sent to processed, in seconds, null without processed SIPs.</summary>
public sealed record SipStoreSummary(
    long SipsCreated,
    long SipsSent,
    long SipsSucceeded,
    long SipsFailed,
    long RecordsWithSips,
    long Records,
    double RecordsWithSipsPercentage,
    double? AverageDelaySeconds,
    double? P95DelaySeconds,
    long? ArchiveSize);

public sealed record SipFailure(string SipId, string? Recid, DateTime? ProcessedAt)
{
    /// <summary>The record's title, for the dashboard's table; not in the API's answer, whose shape stays as documented.</summary>
    [JsonIgnore]
    public string? Title { get; init; }
}

public sealed record SipFailures(IReadOnlyList<SipFailure> Buckets);

/// <summary>The usage of one record for the batch endpoint.</summary>
public sealed record RecordUsage(
    [property: System.Text.Json.Serialization.JsonPropertyName("views")] long Views,
    [property: System.Text.Json.Serialization.JsonPropertyName("unique_views")] long UniqueViews,
    [property: System.Text.Json.Serialization.JsonPropertyName("downloads")] long Downloads,
    [property: System.Text.Json.Serialization.JsonPropertyName("unique_downloads")] long UniqueDownloads,
    [property: System.Text.Json.Serialization.JsonPropertyName("data_volume")] long DataVolume)
{
    public static RecordUsage Zero { get; } = new(0, 0, 0, 0, 0);
}
