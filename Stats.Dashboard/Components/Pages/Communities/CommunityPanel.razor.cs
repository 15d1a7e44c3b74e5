using Microsoft.AspNetCore.Components;
using Stats.Core.Data;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Charts;
using Stats.Dashboard.Components.Layout;
using Stats.Dashboard.Components.Panels;

namespace Stats.Dashboard.Components.Pages.Communities;

/// <summary>
/// One community's panel: usage of its records (the <c>community-*</c> usage stats), new records and submissions, access
/// rights and feature use (community activity), top uploaders, and its visitors' countries. Each section sits behind the
/// access rule of its family for this community.
/// </summary>
public sealed partial class CommunityPanel : PanelBase
{
    /// <summary>How many rows the ranked tables load (the API's maximum).</summary>
    public const int TableSize = 100;

    private static readonly IReadOnlyList<StatColumn<RankedRecord>> s_topRecordColumns =
    [
        StatColumns.Text<RankedRecord>("Record", r => r.Recid, r => $"/records/{Uri.EscapeDataString(r.Recid)}"),
        StatColumns.Text<RankedRecord>("Title", r => r.Title),
        StatColumns.Count<RankedRecord>("Views", r => r.Value, "COUNTER views of the record in the period."),
    ];

    private static readonly IReadOnlyList<StatColumn<AccessRightBucket>> s_accessRightColumns =
    [
        StatColumns.Text<AccessRightBucket>("Access right", b => b.AccessRight),
        StatColumns.Count<AccessRightBucket>("Live records", b => b.Records, "Records with this access right in the catalog today."),
        StatColumns.Count<AccessRightBucket>("Published in the period", b => b.NewRecords, "Records published with this access right in the period."),
    ];

    private static readonly IReadOnlyList<StatColumn<FeatureBucket>> s_featureColumns =
    [
        StatColumns.Text<FeatureBucket>("Feature", b => b.Feature),
        StatColumns.Count<FeatureBucket>("Uses", b => b.Count, "How often the feature was used in the period."),
    ];

    private static readonly IReadOnlyList<StatColumn<Uploader>> s_uploaderColumns =
    [
        StatColumns.Text<Uploader>("Owner", u => u.OwnerId),
        StatColumns.Count<Uploader>("New records", u => u.NewRecords, "Records the owner published in the community in the period."),
        StatColumns.Count<Uploader>("Views", u => u.Views, "COUNTER views of those records in the period."),
        StatColumns.Count<Uploader>("Downloads", u => u.Downloads, "COUNTER downloads of those records in the period."),
    ];

    private CommunityData? _data;

    [Inject]
    private IUsageStats UsageQueries { get; set; } = default!;

    [Inject]
    private IActivityStats ActivityQueries { get; set; } = default!;

    [CascadingParameter]
    private ThemeMode ThemeMode { get; set; }

    /// <summary>The community's id in the repository.</summary>
    [Parameter]
    public string Id { get; set; } = "";

    protected override object? LoadKey => Id;

    private StatTarget Target => new(StatSubject.Community, Id);

    private string Title => _data?.Listing?.Name ?? Id;

    private string IntervalName => Histograms.Name(Period.Interval);

    private string MapHref => $"{NavPanels.Map.Href}?{Map.Map.CommunityKey}={Uri.EscapeDataString(Id)}&{Period.ToQueryString()}";

    protected override async Task LoadAsync(CancellationToken cancellationToken)
    {
        var period = Range.ToPeriod();
        var previous = PreviousRange?.ToPeriod();
        var interval = Period.Interval;
        var id = Id;

        var usage = UsageQueries.TotalsAsync(StatScope.Community, id, period, null, cancellationToken);
        var previousUsage = previous is { } p1 ? UsageQueries.TotalsAsync(StatScope.Community, id, p1, null, cancellationToken) : null;
        var usageHistory = UsageQueries.HistogramAsync(StatScope.Community, id, period, interval, null, c => c, cancellationToken);
        var topRecords = UsageQueries.TopRecordsAsync(new RecordSet(Community: id), UsageMetric.Views, period, null, TableSize, cancellationToken);
        var countries = UsageQueries.CountriesAsync(StatScope.Community, id, period, cancellationToken);
        var newRecords = ActivityQueries.TotalAsync(Activity.NewRecord, id, period, cancellationToken);
        var previousNewRecords = previous is { } p2 ? ActivityQueries.TotalAsync(Activity.NewRecord, id, p2, cancellationToken) : null;
        var submissions = ActivityQueries.TotalAsync(Activity.NewSubmission, id, period, cancellationToken);
        var previousSubmissions = previous is { } p3 ? ActivityQueries.TotalAsync(Activity.NewSubmission, id, p3, cancellationToken) : null;
        var newRecordHistory = ActivityQueries.HistogramAsync(Activity.NewRecord, id, period, interval, n => new NewRecordCount(n), cancellationToken);
        var submissionHistory = ActivityQueries.HistogramAsync(Activity.NewSubmission, id, period, interval, n => new SubmissionCount(n), cancellationToken);
        var accessRights = ActivityQueries.AccessRightsAsync(id, period, cancellationToken);
        var features = ActivityQueries.FeaturesAsync(id, period, cancellationToken);
        var previousFeatures = previous is { } p4 ? ActivityQueries.FeaturesAsync(id, p4, cancellationToken) : null;
        var uploaders = ActivityQueries.TopUploadersAsync(id, period, null, TableSize, cancellationToken);
        var directory = ActivityQueries.CommunitiesAsync(period, null, cancellationToken);

        _data = new CommunityData(
            (await directory).Communities.FirstOrDefault(c => c.Community == id),
            await usage,
            previousUsage is null ? null : await previousUsage,
            await usageHistory,
            await topRecords,
            await countries,
            await newRecords,
            previousNewRecords is null ? null : await previousNewRecords,
            await submissions,
            previousSubmissions is null ? null : await previousSubmissions,
            await newRecordHistory,
            await submissionHistory,
            await accessRights,
            await features,
            previousFeatures is null ? null : (await previousFeatures).Buckets.Sum(b => b.Count),
            await uploaders);
    }

    internal static IReadOnlyList<ChartSeries> UsageSeries(CommunityData data) =>
    [
        new("Views", [.. data.UsageHistory.Buckets.Select(b => (double)b.Values.Views)]),
        new("Downloads", [.. data.UsageHistory.Buckets.Select(b => (double)b.Values.Downloads)]),
    ];

    internal static IReadOnlyList<ChartSeries> GrowthSeries(CommunityData data) =>
        data.NewRecordHistory.Buckets.Count == 0 && data.SubmissionHistory.Buckets.Count == 0
            ? []
            :
            [
                new("New records", [.. data.NewRecordHistory.Buckets.Select(b => (double)b.Values.NewRecords)]),
                new("New submissions", [.. data.SubmissionHistory.Buckets.Select(b => (double)b.Values.NewSubmissions)]),
            ];

    internal static IReadOnlyList<ChartSeries> AccessRightSeries(CommunityData data) =>
    [
        new("Live records", [.. data.AccessRights.Buckets.Select(b => (double)b.Records)]),
        new("Published in the period", [.. data.AccessRights.Buckets.Select(b => (double)b.NewRecords)]),
    ];

    private static IReadOnlyList<string> AccessRightNames(CommunityData data) => [.. data.AccessRights.Buckets.Select(b => b.AccessRight)];

    /// <summary>The buckets' days: the longer of the two growth series (both cover the same period and interval).</summary>
    private static IReadOnlyList<DateOnly> Days<T>(Histogram<T> histogram) => [.. histogram.Buckets.Select(b => b.Date)];

    private static Dictionary<string, double> CountryViews(CommunityData data) =>
        data.Countries.Buckets.ToDictionary(b => b.Country, b => (double)b.Views);

    private static Dictionary<string, IReadOnlyList<MapFigure>> CountryDetails(CommunityData data) =>
        data.Countries.Buckets.ToDictionary(b => b.Country, b => (IReadOnlyList<MapFigure>)[new MapFigure("Downloads", b.Downloads)]);

    /// <summary>Everything the panel shows, loaded at once for one period.</summary>
    internal sealed record CommunityData(
        CommunityListing? Listing,
        UsageCounts Usage,
        UsageCounts? PreviousUsage,
        Histogram<UsageCounts> UsageHistory,
        RecordRanking TopRecords,
        CountryStats Countries,
        long NewRecords,
        long? PreviousNewRecords,
        long NewSubmissions,
        long? PreviousNewSubmissions,
        Histogram<NewRecordCount> NewRecordHistory,
        Histogram<SubmissionCount> SubmissionHistory,
        CommunityAccessRights AccessRights,
        CommunityFeatures Features,
        long? PreviousFeatureUses,
        TopUploaders Uploaders);
}
