using Microsoft.AspNetCore.Components;
using Stats.Dashboard.Components.Charts;

namespace Stats.Dashboard.Components.Panels;

/// <summary>
/// A card around <see cref="ApexChart"/>: title, explanation, CSV of the series (one row per x value, one column per series:
/// the numbers the chart draws) and the chart as a PNG. The x axis is either days (<see cref="Days"/>, the first day of each
/// bucket) or categories.
/// </summary>
public sealed partial class ChartCard
{
    private ApexChart? _chart;

    [Inject]
    private FileDownloader Downloader { get; set; } = default!;

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

    [Parameter]
    public int Height { get; set; } = 320;

    [Parameter]
    public string EmptyTitle { get; set; } = "No data for this period.";

    [Parameter]
    public RenderFragment? EmptyContent { get; set; }

    private bool HasData => Series.Count > 0 && Series.Any(s => s.Data.Count > 0);

    private IReadOnlyList<DateTimeOffset>? DateTimes =>
        Days is null ? null : [.. Days.Select(d => new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero))];

    /// <summary>The series as CSV: the x value, then one column per series.</summary>
    public string ToCsv()
    {
        var count = Series.Count == 0 ? 0 : Series.Max(s => s.Data.Count);
        var rows = Enumerable.Range(0, count).Select(i => (IReadOnlyList<object?>)
        [
            Days is not null ? Days.ElementAtOrDefault(i) : Categories?.ElementAtOrDefault(i),
            .. Series.Select(s => i < s.Data.Count ? (object)s.Data[i] : null),
        ]);
        return Csv.Write([CategoryHeader, .. Series.Select(s => s.Name)], rows);
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
