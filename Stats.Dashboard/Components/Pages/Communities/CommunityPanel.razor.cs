using Microsoft.AspNetCore.Components;
using Stats.Core.Access;
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

    private static readonly IReadOnlyList<StatColumn<RankedRecordRow>> s_recordColumns =
    [.. StatColumns.Record<RankedRecordRow>(r => r.Recid, r => r.Title)];

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

    private bool _loaded;
    private CommunityListing? _listing;
    private UsageSection? _usage;
    private ActivitySection? _activity;
    private TopUploaders? _uploaders;
    private CountryStats? _countries;

    [Inject]
    private IUsageStats UsageQueries { get; set; } = default!;

    [Inject]
    private IActivityStats ActivityQueries { get; set; } = default!;

    [CascadingParameter]
    private ThemeMode ThemeMode { get; set; }

    /// <summary>The community's id in the repository.</summary>
    [Parameter]
    public string Id { get; set; } = "";

    /// <summary>The community's charts draw its notes and the repository's.</summary>
    private StatTarget NotesTarget => new(StatSubject.Community, Id);

    /// <summary>The count the top records are ranked by (<c>rank=downloads</c>).</summary>
    [SupplyParameterFromQuery(Name = RecordRankings.RankKey)]
    public string? RankQuery { get; set; }

    protected override object? LoadKey => (Id, Order);

    private RecordOrder Order => RecordRankings.ParseOrder(RankQuery);

    /// <summary>The record, its counts and, against a previous period, the ranked count's change.</summary>
    private IReadOnlyList<StatColumn<RankedRecordRow>> TopRecordColumns => RecordColumns(s_recordColumns, Order.Metric);

    private StatTarget Target => new(StatSubject.Community, Id);

    private string Title => _listing?.Name ?? Id;

    private string IntervalName => Histograms.Name(Period.Interval);

    private string MapHref => $"{NavPanels.Map.Href}?{Map.Map.CommunityKey}={Uri.EscapeDataString(Id)}&{Period.ToQueryString()}";

    protected override async Task LoadAsync(CancellationToken cancellationToken)
    {
        // The catalog's entry (the community's name) is not behind a gate.
        var directory = ActivityQueries.CommunitiesAsync(Range.ToPeriod(), null, cancellationToken);
        await LoadSectionsAsync(
            [
                new(StatFamily.Usage, Target, LoadUsageAsync),
                new(StatFamily.CommunityActivity, Target, LoadActivityAsync),
                new(StatFamily.TopUploaders, Target, async ct => _uploaders = await ActivityQueries.TopUploadersAsync(Id, Range.ToPeriod(), null, TableSize, ct)),
                new(StatFamily.Countries, Target, async ct => _countries = await UsageQueries.CountriesAsync(Target, Range.ToPeriod(), ct)),
            ],
            cancellationToken);
        _listing = (await directory).Communities.FirstOrDefault(c => c.Community == Id);
        _loaded = true;
    }

    private async Task LoadUsageAsync(CancellationToken cancellationToken)
    {
        var target = Target;
        var period = Range.ToPeriod();
        var usage = UsageQueries.TotalsAsync(target, period, cancellationToken);
        var previousUsage = PreviousRange is { } previous ? UsageQueries.TotalsAsync(target, previous.ToPeriod(), cancellationToken) : null;
        var history = UsageQueries.HistogramAsync(target, period, Period.Interval, c => c, cancellationToken);
        var previousHistory = PreviousRange is { } before ? UsageQueries.HistogramAsync(target, before.ToPeriod(), Period.Interval, c => c, cancellationToken) : null;
        var topRecords = LoadRecordRankingAsync(UsageQueries, new RecordSet(Community: Id), Order, period, PreviousRange?.ToPeriod(), TableSize, cancellationToken);
        _usage = new UsageSection(await usage, previousUsage is null ? null : await previousUsage, await history, await topRecords)
        {
            PreviousHistory = previousHistory is null ? null : await previousHistory,
        };
    }

    private async Task LoadActivityAsync(CancellationToken cancellationToken)
    {
        var period = Range.ToPeriod();
        var previous = PreviousRange?.ToPeriod();
        var growth = ActivityQueries.GrowthAsync(Id, period, Period.Interval, cancellationToken);
        var previousGrowth = previous is { } p1 ? ActivityQueries.GrowthAsync(Id, p1, Period.Interval, cancellationToken) : null;
        var accessRights = ActivityQueries.AccessRightsAsync(Id, period, cancellationToken);
        var features = ActivityQueries.FeaturesAsync(Id, period, cancellationToken);
        var previousFeatures = previous is { } p2 ? ActivityQueries.FeaturesAsync(Id, p2, cancellationToken) : null;
        _activity = new ActivitySection(
            await growth,
            previousGrowth is null ? null : await previousGrowth,
            await accessRights,
            await features,
            previousFeatures is null ? null : (await previousFeatures).Buckets.Sum(b => b.Count));
    }

    internal static IReadOnlyList<ChartSeries> UsageSeries(UsageSection usage) => UsageSeries(usage.History);

    internal static IReadOnlyList<ChartSeries> UsageSeries(Histogram<UsageCounts> history) =>
    [
        new("Views", [.. history.Buckets.Select(b => (double)b.Values.Views)]),
        new("Downloads", [.. history.Buckets.Select(b => (double)b.Values.Downloads)]),
    ];

    internal static IReadOnlyList<ChartSeries> GrowthSeries(CommunityGrowth growth) =>
        growth.NewRecordHistory.Buckets.Count == 0 && growth.SubmissionHistory.Buckets.Count == 0
            ? []
            :
            [
                new("New records", [.. growth.NewRecordHistory.Buckets.Select(b => (double)b.Values.NewRecords)]),
                new("New submissions", [.. growth.SubmissionHistory.Buckets.Select(b => (double)b.Values.NewSubmissions)]),
            ];

    internal static IReadOnlyList<ChartSeries> AccessRightSeries(CommunityAccessRights rights) =>
    [
        new("Live records", [.. rights.Buckets.Select(b => (double)b.Records)]),
        new("Published in the period", [.. rights.Buckets.Select(b => (double)b.NewRecords)]),
    ];

    private static IReadOnlyList<string> AccessRightNames(CommunityAccessRights rights) => [.. rights.Buckets.Select(b => b.AccessRight)];

    /// <summary>The buckets' days: the longer of the two growth series (both cover the same period and interval).</summary>
    private static IReadOnlyList<DateOnly> Days<T>(Histogram<T> histogram) => [.. histogram.Buckets.Select(b => b.Date)];

    private static Dictionary<string, double> CountryViews(CountryStats countries) =>
        countries.Buckets.ToDictionary(b => b.Country, b => (double)b.Views);

    private static Dictionary<string, IReadOnlyList<MapFigure>> CountryDetails(CountryStats countries) =>
        countries.Buckets.ToDictionary(b => b.Country, b => (IReadOnlyList<MapFigure>)[new MapFigure("Downloads", b.Downloads)]);

    /// <summary>The usage of the community's records in the period, against the previous one.</summary>
    internal sealed record UsageSection(UsageCounts Usage, UsageCounts? PreviousUsage, Histogram<UsageCounts> History, IReadOnlyList<RankedRecordRow> TopRecords)
    {
        /// <summary>The previous period's histogram, for the chart's comparison; none for all time.</summary>
        public Histogram<UsageCounts>? PreviousHistory { get; init; }
    }

    /// <summary>What is deposited in the community and how its features are used, against the previous period.</summary>
    internal sealed record ActivitySection(
        CommunityGrowth Growth, CommunityGrowth? PreviousGrowth, CommunityAccessRights AccessRights, CommunityFeatures Features, long? PreviousFeatureUses);
}
