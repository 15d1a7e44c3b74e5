using Microsoft.AspNetCore.Components;
using Stats.Core.Annotations;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Charts;
using Stats.Dashboard.Components.Layout;

namespace Stats.Dashboard.Components.Panels;

/// <summary>
/// A card around <see cref="ApexChart"/>: title, explanation, CSV of the series (one row per x value, one column per series:
/// the numbers the chart draws) and the chart as a PNG. The x axis is either days (<see cref="Days"/>, the first day of each
/// bucket) or categories.
/// </summary>
public sealed partial class ChartCard
{
    /// <summary>The URL's key of the previous-period switch.</summary>
    public const string CompareKey = "compare";

    private ApexChart? _chart;

    private IReadOnlyList<ChartNote> _notes = [];
    private (StatTarget Target, DateOnly First, DateOnly Last)? _notesLoaded;

    [Inject]
    private FileDownloader Downloader { get; set; } = default!;

    [Inject]
    private IServiceProvider Services { get; set; } = default!;

    [Inject]
    private ILogger<ChartCard> Logger { get; set; } = default!;

    [CascadingParameter]
    private ThemeMode ThemeMode { get; set; }

    /// <summary>The chart's stable id (<c>data-chart-id</c>) and the exported files' name.</summary>
    [Parameter, EditorRequired]
    public string ChartId { get; set; } = "";

    [Parameter, EditorRequired]
    public string Title { get; set; } = "";

    /// <summary>What the chart shows, exactly.</summary>
    [Parameter]
    public string? Explanation { get; set; }

    [Parameter]
    public ChartType Type { get; set; } = ChartType.Area;

    [Parameter, EditorRequired]
    public IReadOnlyList<ChartSeries> Series { get; set; } = [];

    /// <summary>The first day of each bucket, for a datetime axis.</summary>
    [Parameter]
    public IReadOnlyList<DateOnly>? Days { get; set; }

    /// <summary>The x values of a category axis (or a donut's slices) when there are no <see cref="Days"/>.</summary>
    [Parameter]
    public IReadOnlyList<string>? Categories { get; set; }

    /// <summary>The CSV's first header: "date" for days.</summary>
    [Parameter]
    public string CategoryHeader { get; set; } = "date";

    [Parameter]
    public bool Stacked { get; set; }

    /// <summary>
    /// Whose notes the chart draws (the repository's, and a community's or a record's communities'): set on charts of days,
    /// which then also export a <c>note</c> column.
    /// </summary>
    [Parameter]
    public StatTarget? NotesFor { get; set; }

    [Parameter]
    public int Height { get; set; } = 320;

    /// <summary>
    /// The previous period's series, bucket by bucket with <see cref="Series"/> (the first bucket of each period together),
    /// drawn dashed behind the current ones (<see cref="ApexChart.PreviousSeries"/>) and exported after them: on the
    /// viewer's request, a switch remembered in the URL (<c>compare=previous</c>), or always (<see cref="AlwaysComparePrevious"/>).
    /// </summary>
    [Parameter]
    public IReadOnlyList<ChartSeries>? PreviousSeries { get; set; }

    /// <summary>Draws <see cref="PreviousSeries"/> without a switch: the Overview's one chart always compares, as Plausible's does.</summary>
    [Parameter]
    public bool AlwaysComparePrevious { get; set; }

    /// <summary>Whether the URL asks the charts to draw the previous period.</summary>
    [SupplyParameterFromQuery(Name = CompareKey)]
    public string? CompareQuery { get; set; }

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    private bool ComparesWithPrevious =>
        PreviousSeries is { Count: > 0 } && (AlwaysComparePrevious || string.Equals(CompareQuery, "previous", StringComparison.Ordinal));

    /// <summary>
    /// The previous period's series when drawn, cut to as many buckets as the current period has; one named like a current
    /// series is told apart as "(previous period)".
    /// </summary>
    private IReadOnlyList<ChartSeries>? ShownPrevious => ComparesWithPrevious
        ? [.. PreviousSeries!.Select(p => new ChartSeries(
            Series.Any(s => s.Name == p.Name) ? $"{p.Name} (previous period)" : p.Name,
            [.. p.Data.Take(Series.Count == 0 ? 0 : Series.Max(s => s.Data.Count))]))]
        : null;

    private void ToggleCompare(bool on) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter(CompareKey, on ? "previous" : null), replace: true);

    [Parameter]
    public string EmptyTitle { get; set; } = "No data for this period.";

    [Parameter]
    public RenderFragment? EmptyContent { get; set; }

    private bool HasData => Series.Count > 0 && Series.Any(s => s.Data.Count > 0);

    private IReadOnlyList<DateTimeOffset>? DateTimes =>
        Days is null ? null : [.. Days.Select(d => new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero))];

    private bool TakesNotes => NotesFor is not null && Days is { Count: > 0 };

    private IReadOnlyList<ChartAnnotation>? Annotations => TakesNotes ? [.. _notes.Select(n => new ChartAnnotation(n.From, n.To, n.Text))] : null;

    protected override async Task OnParametersSetAsync()
    {
        if (!TakesNotes)
        {
            _notes = [];
            _notesLoaded = null;
            return;
        }

        var wanted = (NotesFor!, Days![0], BucketEnd(Days.Count - 1));
        if (_notesLoaded == wanted)
        {
            return;
        }

        _notesLoaded = wanted;
        try
        {
            // Resolved only by charts that take notes.
            _notes = await Services.GetRequiredService<IAnnotations>().ForChartAsync(wanted.Item1, wanted.Item2, wanted.Item3);
        }
        catch (Exception ex)
        {
            // The notes are an addition: without them the chart still shows its numbers.
            Logger.LogWarning(ex, "The notes of chart {ChartId} could not be read.", ChartId);
            _notes = [];
        }
    }

    /// <summary>The last day of the bucket that starts at <c>Days[index]</c>: the day before the next, or as long as the one before.</summary>
    private DateOnly BucketEnd(int index)
    {
        var days = Days!;
        if (index + 1 < days.Count)
        {
            return days[index + 1].AddDays(-1);
        }

        return index == 0 ? days[index] : days[index].AddDays(days[index].DayNumber - days[index - 1].DayNumber - 1);
    }

    /// <summary>The series as CSV: the x value, then one column per series, then the notes of the bucket on charts that take notes.</summary>
    public string ToCsv()
    {
        var count = Series.Count == 0 ? 0 : Series.Max(s => s.Data.Count);
        var notes = TakesNotes;
        IReadOnlyList<ChartSeries> all = [.. Series, .. ShownPrevious ?? []];
        var rows = Enumerable.Range(0, count).Select(i => (IReadOnlyList<object?>)
        [
            Days is not null ? Days.ElementAtOrDefault(i) : Categories?.ElementAtOrDefault(i),
            .. all.Select(s => i < s.Data.Count ? (object)s.Data[i] : null),
            .. notes ? [NotesOf(i)] : Array.Empty<object?>(),
        ]);
        return Csv.Write([CategoryHeader, .. all.Select(s => s.Name), .. notes ? ["note"] : Array.Empty<string>()], rows);
    }

    private string? NotesOf(int index)
    {
        if (index >= Days!.Count)
        {
            return null;
        }

        var covering = _notes.Where(n => n.Overlaps(Days[index], BucketEnd(index))).Select(n => n.Text).ToList();
        return covering.Count == 0 ? null : string.Join("; ", covering);
    }

    private Task ExportCsvAsync() => Downloader.DownloadCsvAsync(Csv.FileName(ChartId), ToCsv());

    private async Task ExportImageAsync()
    {
        if (_chart is not null && await _chart.ImageDataUriAsync() is { } image)
        {
            await Downloader.DownloadDataUriAsync(Csv.FileName(ChartId, "png"), image);
        }
    }
}
