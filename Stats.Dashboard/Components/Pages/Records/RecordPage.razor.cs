using System.Globalization;
using Microsoft.AspNetCore.Components;
using Stats.Core.Access;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Charts;
using Stats.Dashboard.Components.Panels;

namespace Stats.Dashboard.Components.Pages.Records;

/// <summary>A row of the regular/machine table.</summary>
public sealed record AccessRow(string Access, UsageCounts Counts);

/// <summary>
/// One record: the API's <c>record-view</c>, <c>record-download</c> (or their <c>-all-versions</c> forms for the concept),
/// their histograms, <c>file-download</c> and <c>countries</c>, for the period of the URL. <c>?versions=all</c> switches to all
/// versions of a record that has a concept.
/// </summary>
public sealed partial class RecordPage
{
    public const string VersionsKey = "versions";

    private static readonly IReadOnlyList<StatColumn<AccessRow>> s_accessColumns =
    [
        StatColumns.Text<AccessRow>("Access", r => r.Access),
        StatColumns.Count<AccessRow>("Views", r => r.Counts.Views, UsageHeadlines.ViewsExplanation),
        StatColumns.Count<AccessRow>("Unique views", r => r.Counts.UniqueViews, UsageHeadlines.UniqueViewsExplanation),
        StatColumns.Count<AccessRow>("Downloads", r => r.Counts.Downloads, UsageHeadlines.DownloadsExplanation),
        StatColumns.Count<AccessRow>("Unique downloads", r => r.Counts.UniqueDownloads, UsageHeadlines.UniqueDownloadsExplanation),
        StatColumns.Bytes<AccessRow>("Data volume", r => r.Counts.DataVolume, UsageHeadlines.DataVolumeExplanation),
    ];

    private static readonly IReadOnlyList<StatColumn<FileDownloadBucket>> s_fileColumns =
    [
        StatColumns.Text<FileDownloadBucket>("File", f => f.Key),
        StatColumns.Count<FileDownloadBucket>("Downloads", f => f.Downloads, UsageHeadlines.DownloadsExplanation),
        StatColumns.Count<FileDownloadBucket>("Unique downloads", f => f.UniqueDownloads, "Sessions that downloaded this file: one visitor within one clock hour counts once."),
        StatColumns.Bytes<FileDownloadBucket>("Data volume", f => f.DataVolume, UsageHeadlines.DataVolumeExplanation),
    ];

    private static readonly IReadOnlyList<StatColumn<CountryBucket>> s_countryColumns =
    [
        .. StatColumns.Country<CountryBucket>(c => c.Country),
        StatColumns.Count<CountryBucket>("Views", c => c.Views, UsageHeadlines.ViewsExplanation),
        StatColumns.Count<CountryBucket>("Unique views", c => c.UniqueViews, UsageHeadlines.UniqueViewsExplanation),
        StatColumns.Count<CountryBucket>("Downloads", c => c.Downloads, UsageHeadlines.DownloadsExplanation),
        StatColumns.Count<CountryBucket>("Unique downloads", c => c.UniqueDownloads, UsageHeadlines.UniqueDownloadsExplanation),
    ];

    private RecordInfo? _info;

    /// <summary>The record's title, for those who may open its panel: the page tells the others its recid alone.</summary>
    private string? _title;
    private bool _loaded;
    private UsageCounts _current = UsageCounts.Zero;
    private UsageCounts? _previous;
    private UsageSeries? _series;
    private IReadOnlyList<AccessRow> _access = [];
    private IReadOnlyList<FileDownloadBucket> _files = [];
    private IReadOnlyList<CountryBucket> _countries = [];
    private ImportedHistory? _imported;

    [Inject]
    private IUsageStats Usage { get; set; } = default!;

    [Parameter]
    public string Recid { get; set; } = "";

    [SupplyParameterFromQuery(Name = VersionsKey)]
    public string? VersionsQuery { get; set; }

    /// <summary>All versions asked for, and the record has a concept to show.</summary>
    private bool AllVersions => HasVersions && string.Equals(VersionsQuery, "all", StringComparison.OrdinalIgnoreCase);

    private bool HasVersions => _info?.ParentRecid is not null;

    private StatTarget RecordTarget => new(StatSubject.Record, Recid);

    private StatTarget UsageTarget => AllVersions ? new(StatSubject.Concept, _info!.ParentRecid) : RecordTarget;

    private string Scope => AllVersions ? "All versions of the record (a session that used two versions counts once in the unique counts)" : "This version of the record";

    private string Subtitle => AllVersions
        ? $"All versions (concept {_info!.ParentRecid}) · this version: {Recid}"
        : _info?.ParentRecid is { } parent ? $"This version: {Recid} · concept {parent}" : $"Record {Recid}";

    protected override object? LoadKey => (Recid, VersionsQuery);

    protected override async Task LoadAsync(CancellationToken cancellationToken)
    {
        var info = _info?.Recid == Recid ? _info : await Usage.RecordInfoAsync(Recid, cancellationToken);
        _info = info;
        _title = info?.Title is { } title && await Access.DecideAsync(StatFamily.Usage, RecordTarget, cancellationToken) == AccessDecision.Allowed ? title : null;
        if (info is not null)
        {
            await LoadSectionsAsync(
                [
                    new(StatFamily.Usage, UsageTarget, LoadUsageAsync),
                    new(StatFamily.Countries, RecordTarget, LoadCountriesAsync),
                ],
                cancellationToken);
        }

        _loaded = true;
    }

    private async Task LoadUsageAsync(CancellationToken cancellationToken)
    {
        var target = UsageTarget;
        var period = Range.ToPeriod();
        var current = Usage.TotalsAsync(target, period, cancellationToken);
        var previous = PreviousRange is { } p ? Usage.TotalsAsync(target, p.ToPeriod(), cancellationToken) : null;
        var histogram = Usage.HistogramAsync(target, period, Period.Interval, c => c, cancellationToken);
        var access = Usage.AccessMethodTotalsAsync(target, period, cancellationToken);
        var files = Usage.FileDownloadsAsync(Recid, period, null, cancellationToken);
        var imported = Usage.ImportedHistoryAsync(target, period, cancellationToken);

        _current = await current;
        _previous = previous is null ? null : await previous;
        _series = UsageSeries.From(await histogram);
        var (regular, machine) = await access;
        _access = [new AccessRow("Regular", regular), new AccessRow("Machine", machine)];
        _files = (await files).Buckets;
        _imported = await imported;
    }

    /// <summary>Imported history is not COUNTER's: the panel says which days and where from (docs/decisions/ADR-013-imported-daily-aggregates.md).</summary>
    private string ImportedNote => _imported is not { } imported ? "" : string.Create(CultureInfo.InvariantCulture,
        $"Partly imported: the numbers from {imported.From:yyyy-MM-dd} to {imported.To:yyyy-MM-dd} include daily aggregates imported from " +
        $"{(imported.Sources.Count > 0 ? string.Join(", ", imported.Sources) : "another system")}, counted by its rules, not COUNTER's.");

    private async Task LoadCountriesAsync(CancellationToken cancellationToken) =>
        _countries = (await Usage.CountriesAsync(RecordTarget, Range.ToPeriod(), cancellationToken)).Buckets;

    [CascadingParameter]
    private ThemeMode ThemeMode { get; set; }

    private IReadOnlyDictionary<string, double> CountryViews => _countries.ToDictionary(c => c.Country, c => (double)c.Views, StringComparer.Ordinal);

    private IReadOnlyDictionary<string, IReadOnlyList<MapFigure>> CountryDetails => _countries.ToDictionary(
        c => c.Country,
        c => (IReadOnlyList<MapFigure>)[new MapFigure("Unique views", c.UniqueViews), new MapFigure("Downloads", c.Downloads), new MapFigure("Unique downloads", c.UniqueDownloads)],
        StringComparer.Ordinal);

    /// <summary>The 15 most downloaded files, for the bar chart.</summary>
    private IReadOnlyList<string> FileKeys => [.. _files.Take(15).Select(f => f.Key)];

    private IReadOnlyList<ChartSeries> FileSeries =>
    [
        new ChartSeries(UsageSeries.Downloads, [.. _files.Take(15).Select(f => (double)f.Downloads)]),
        new ChartSeries(UsageSeries.UniqueDownloads, [.. _files.Take(15).Select(f => (double)f.UniqueDownloads)]),
    ];

    private void ShowVersions(bool all) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter(VersionsKey, all ? "all" : null));
}
