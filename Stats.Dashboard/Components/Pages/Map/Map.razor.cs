using Microsoft.AspNetCore.Components;
using Stats.Core.Access;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Charts;
using Stats.Dashboard.Components.Panels;

namespace Stats.Dashboard.Components.Pages.Map;

/// <summary>
/// The full-page world map: views or downloads per country (the <c>countries</c> stat), of the repository or of one
/// community, with the countries' table. The metric and the community are in the URL, as the period is.
/// </summary>
public sealed partial class Map : PanelBase
{
    public const string MetricKey = "metric";
    public const string CommunityKey = "community";

    private static readonly IReadOnlyList<QueryOption> s_metricOptions = [new("", "Views"), new("downloads", "Downloads")];

    private static readonly IReadOnlyList<StatColumn<CountryBucket>> s_columns =
    [
        .. StatColumns.Country<CountryBucket>(b => b.Country),
        StatColumns.Count<CountryBucket>("Views", b => b.Views, "COUNTER views from the country."),
        StatColumns.Count<CountryBucket>("Unique views", b => b.UniqueViews, "Views counted once per user session and record."),
        StatColumns.Count<CountryBucket>("Downloads", b => b.Downloads, "COUNTER downloads from the country."),
        StatColumns.Count<CountryBucket>("Unique downloads", b => b.UniqueDownloads, "Downloads counted once per user session and record."),
    ];

    private CountryStats? _countries;
    private CountryStats? _previous;
    private IReadOnlyList<CommunityListing> _communities = [];

    [Inject]
    private IUsageStats UsageQueries { get; set; } = default!;

    [Inject]
    private IActivityStats ActivityQueries { get; set; } = default!;

    [CascadingParameter]
    private ThemeMode ThemeMode { get; set; }

    /// <summary>"downloads", or views when absent.</summary>
    [SupplyParameterFromQuery(Name = MetricKey)]
    public string? MetricQuery { get; set; }

    /// <summary>The community's id; the whole repository when absent.</summary>
    [SupplyParameterFromQuery(Name = CommunityKey)]
    public string? Community { get; set; }

    private bool ShowsDownloads => string.Equals(MetricQuery, "downloads", StringComparison.OrdinalIgnoreCase);

    private string MetricLabel => ShowsDownloads ? "Downloads" : "Views";

    private string MetricSingular => ShowsDownloads ? "download" : "view";

    private StatTarget Target => Community is null ? new(StatSubject.Repository, null) : new(StatSubject.Community, Community);

    protected override object? LoadKey => Community;

    private string CommunityName => _communities.FirstOrDefault(c => c.Community == Community)?.Name ?? Community ?? "";

    private IReadOnlyList<QueryOption> CommunityOptions =>
    [
        new("", "Whole repository"),
        .. _communities.Select(c => new QueryOption(c.Community, c.Name ?? c.Community)),
        .. Community is not null && _communities.All(c => c.Community != Community) ? [new QueryOption(Community, Community)] : Array.Empty<QueryOption>(),
    ];

    private IReadOnlyDictionary<string, double> MapValues =>
        _countries?.Buckets.ToDictionary(b => b.Country, b => (double)(ShowsDownloads ? b.Downloads : b.Views)) ?? [];

    private IReadOnlyDictionary<string, IReadOnlyList<MapFigure>> MapDetails =>
        _countries?.Buckets.ToDictionary(b => b.Country, b => (IReadOnlyList<MapFigure>)(ShowsDownloads
            ? [new MapFigure("Unique downloads", b.UniqueDownloads), new MapFigure("Views", b.Views)]
            : [new MapFigure("Unique views", b.UniqueViews), new MapFigure("Downloads", b.Downloads)])) ?? [];

    protected override async Task LoadAsync(CancellationToken cancellationToken)
    {
        // The community choice lists the catalog, whatever the viewer may see of the countries.
        var communities = ActivityQueries.CommunitiesAsync(Range.ToPeriod(), method: null, cancellationToken);
        await LoadSectionsAsync([new(StatFamily.Countries, Target, LoadCountriesAsync)], cancellationToken);
        _communities = (await communities).Communities;
    }

    private async Task LoadCountriesAsync(CancellationToken cancellationToken)
    {
        var target = Target;
        var current = UsageQueries.CountriesAsync(target, Range.ToPeriod(), cancellationToken);
        var previous = PreviousRange is { } before ? UsageQueries.CountriesAsync(target, before.ToPeriod(), cancellationToken) : null;
        _countries = await current;
        _previous = previous is null ? null : await previous;
    }

    /// <summary>The countries with at least one view (or download, when the map shows downloads), the unknown one not counted.</summary>
    private long KnownCountries(CountryStats countries) =>
        countries.Buckets.LongCount(b => !WorldMapOptions.IsUnknown(b.Country) && (ShowsDownloads ? b.Downloads : b.Views) > 0);

    private long? PreviousOf(Func<CountryStats, long> value) => _previous is { } previous ? value(previous) : null;
}
