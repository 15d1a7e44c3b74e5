using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Stats.Dashboard.Components.Charts;

/// <summary>
/// A typed wrapper around ApexCharts (the global <c>ApexCharts</c> that App.razor loads). It creates the chart on
/// first render, sends new options when a parameter changes, and destroys the chart when it is disposed.
/// </summary>
public sealed partial class ApexChart
{
    /// <summary>The collocated module, imported relative to the document base.</summary>
    public const string ModulePath = "./Components/Charts/ApexChart.razor.js";

    protected override string ModuleUrl => ModulePath;

    protected override string Library => "ApexCharts";

    protected override string FailureMessage => "The chart could not be drawn in this browser.";

    private readonly string _generatedId = $"chart-{Guid.NewGuid():N}";

    /// <summary>Line, area, bar, heatmap (axis charts) or pie, donut.</summary>
    [Parameter]
    public ChartType Type { get; set; } = ChartType.Line;

    /// <summary>The data: one entry per series on axis charts; a single series of slices on pie and donut charts.</summary>
    [Parameter, EditorRequired]
    public IReadOnlyList<ChartSeries> Series { get; set; } = [];

    /// <summary>The x values of a category axis, or the slice labels of a pie or donut chart.</summary>
    [Parameter]
    public IReadOnlyList<string>? Categories { get; set; }

    /// <summary>The x values of a datetime axis; when set, they win over <see cref="Categories"/> on axis charts.</summary>
    [Parameter]
    public IReadOnlyList<DateTimeOffset>? DateTimes { get; set; }

    /// <summary>Height in CSS pixels; the width follows the container.</summary>
    [Parameter]
    public int Height { get; set; } = 350;

    /// <summary>Stacks the series of an area or bar chart.</summary>
    [Parameter]
    public bool Stacked { get; set; }

    [Parameter]
    public string? Title { get; set; }

    /// <summary>Light or dark text, grid and tooltip; the background stays transparent.</summary>
    [Parameter]
    public ThemeMode ThemeMode { get; set; }

    /// <summary>Series colours (CSS colours) in order; ApexCharts' palette when not set.</summary>
    [Parameter]
    public IReadOnlyList<string>? Colors { get; set; }

    /// <summary>Notes drawn on a datetime axis (ApexCharts' <c>annotations.xaxis</c>); ignored on other axes.</summary>
    [Parameter]
    public IReadOnlyList<ChartAnnotation>? Annotations { get; set; }

    /// <summary>
    /// The same series over the previous period, point for point with the current x values (the first day of the previous
    /// period under the first of this one): drawn as faint dashed lines behind the current series, on axis charts that are not
    /// stacked.
    /// </summary>
    [Parameter]
    public IReadOnlyList<ChartSeries>? PreviousSeries { get; set; }

    /// <summary>A stable id for the <c>data-chart-id</c> attribute; a generated one when not set.</summary>
    [Parameter]
    public string? ChartId { get; set; }

    [Parameter]
    public string? Class { get; set; }

    /// <summary>The id of the chart in the browser and in the <c>data-chart-id</c> attribute.</summary>
    public override string Id => ChartId ?? _generatedId;

    /// <summary>The chart as a PNG data URI (ApexCharts' <c>dataURI()</c>); null before the chart exists.</summary>
    public async Task<string?> ImageDataUriAsync()
    {
        if (Module is null || IsDisposed)
        {
            return null;
        }

        return await Module.InvokeAsync<string?>("dataUri", Id);
    }

    /// <summary>The options ApexCharts receives, as JSON.</summary>
    internal override string BuildOptions() =>
        (ApexOptions.Create(Type, Series, Categories, DateTimes, Height, Stacked, Title, ThemeMode, Colors) with
        {
            Annotations = DateTimes is not null && Type is not (ChartType.Pie or ChartType.Donut) ? ApexAnnotations.Of(Annotations, ThemeMode) : null,
        }).WithPrevious(PreviousSeries, ThemeMode).Serialize();
}
