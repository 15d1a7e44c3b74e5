using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Stats.Dashboard.Components.Charts;

/// <summary>
/// A typed wrapper around ApexCharts (the global <c>ApexCharts</c> that App.razor loads). It creates the chart on
/// first render, sends new options when a parameter changes, and destroys the chart when it is disposed.
/// </summary>
public sealed partial class ApexChart : IAsyncDisposable
{
    /// <summary>The collocated module, imported relative to the document base.</summary>
    public const string ModulePath = "./Components/Charts/ApexChart.razor.js";

    private readonly string _generatedId = $"chart-{Guid.NewGuid():N}";
    private ElementReference _element;
    private IJSObjectReference? _module;
    private string? _sentOptions;
    private string? _failure;
    private bool _creating;
    private bool _disposed;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Inject]
    private ILogger<ApexChart> Logger { get; set; } = default!;

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

    /// <summary>A stable id for the <c>data-chart-id</c> attribute; a generated one when not set.</summary>
    [Parameter]
    public string? ChartId { get; set; }

    [Parameter]
    public string? Class { get; set; }

    /// <summary>The id of the chart in the browser and in the <c>data-chart-id</c> attribute.</summary>
    public string Id => ChartId ?? _generatedId;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        try
        {
            if (firstRender)
            {
                var module = await JS.InvokeAsync<IJSObjectReference>("import", ModulePath);
                if (_disposed)
                {
                    await module.DisposeAsync();
                    return;
                }

                // Kept before the chart exists, so that a dispose during the creation still destroys it
                // (the browser runs the calls in order).
                _module = module;
                _sentOptions = BuildOptions();
                _creating = true;
                try
                {
                    await module.InvokeVoidAsync("create", Id, _element, _sentOptions);
                }
                finally
                {
                    _creating = false;
                }
            }

            // Also after the first render: parameters may have changed while the chart was being created.
            await SendChangedOptionsAsync();
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone, and the chart with it.
        }
        catch (JSException ex)
        {
            Logger.LogWarning(ex, "ApexCharts could not draw chart {ChartId}.", Id);
            _failure = "The chart could not be drawn in this browser.";
            StateHasChanged();
        }
    }

    /// <summary>The chart as a PNG data URI (ApexCharts' <c>dataURI()</c>); null before the chart exists.</summary>
    public async Task<string?> ImageDataUriAsync()
    {
        if (_module is null || _disposed)
        {
            return null;
        }

        return await _module.InvokeAsync<string?>("dataUri", Id);
    }

    /// <summary>The options ApexCharts receives, as JSON.</summary>
    internal string BuildOptions() =>
        ApexOptions.Create(Type, Series, Categories, DateTimes, Height, Stacked, Title, ThemeMode, Colors).Serialize();

    private async Task SendChangedOptionsAsync()
    {
        if (_module is null || _creating || _disposed)
        {
            return;
        }

        var options = BuildOptions();
        if (options == _sentOptions)
        {
            return;
        }

        _sentOptions = options;
        await _module.InvokeVoidAsync("update", Id, options);
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        if (_module is null)
        {
            return;
        }

        try
        {
            await _module.InvokeVoidAsync("destroy", Id);
            await _module.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The browser went away first; nothing is left to destroy.
        }
    }
}
