using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Stats.Dashboard.Components.Charts;

/// <summary>
/// A choropleth of the world by ISO 3166-1 alpha-2 country code, drawn by jsvectormap (loaded by the collocated module).
/// The colours, the legend and the tooltips' lines are computed here, so that the legend and the map share one scale;
/// the module only paints. Country "ZZ" (unknown) is not on the map: its value is told under it.
/// </summary>
public sealed partial class WorldMap : IAsyncDisposable
{
    /// <summary>The collocated module, imported relative to the document base.</summary>
    public const string ModulePath = "./Components/Charts/WorldMap.razor.js";

    private readonly string _generatedId = $"map-{Guid.NewGuid():N}";
    private ElementReference _element;
    private IJSObjectReference? _module;
    private string? _sentOptions;
    private string? _failure;
    private (double Min, double Max)? _range;
    private WorldMapTheme _theme = WorldMapTheme.Light;
    private bool _creating;
    private bool _disposed;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Inject]
    private ILogger<WorldMap> Logger { get; set; } = default!;

    /// <summary>The number that colours each country, by ISO 3166-1 alpha-2 code ("ZZ": unknown).</summary>
    [Parameter, EditorRequired]
    public IReadOnlyDictionary<string, double> Values { get; set; } = new Dictionary<string, double>();

    /// <summary>What <see cref="Values"/> counts, as the legend and the tooltip name it ("Views").</summary>
    [Parameter, EditorRequired]
    public string Label { get; set; } = "Value";

    /// <summary>More numbers of each country, shown in its tooltip under its value.</summary>
    [Parameter]
    public IReadOnlyDictionary<string, IReadOnlyList<MapFigure>>? Details { get; set; }

    /// <summary>Height of the map in CSS pixels; the width follows the container.</summary>
    [Parameter]
    public int Height { get; set; } = 420;

    /// <summary>Light or dark map and legend colours; the background stays transparent.</summary>
    [Parameter]
    public ThemeMode ThemeMode { get; set; }

    /// <summary>A stable id for the <c>data-map-id</c> attribute; a generated one when not set.</summary>
    [Parameter]
    public string? MapId { get; set; }

    [Parameter]
    public string? Class { get; set; }

    /// <summary>The id of the map in the browser and in the <c>data-map-id</c> attribute.</summary>
    public string Id => MapId ?? _generatedId;

    /// <summary>The value of country "ZZ": usage the IP lookup could not place.</summary>
    private double Unknown => Values.Where(v => WorldMapOptions.IsUnknown(v.Key)).Sum(v => v.Value);

    private string AriaLabel => _range is { } range
        ? $"World map of {Label.ToLowerInvariant()} per country, from {WorldMapOptions.Format(range.Min)} to {WorldMapOptions.Format(range.Max)}"
        : $"World map of {Label.ToLowerInvariant()} per country: none";

    protected override void OnParametersSet()
    {
        _range = WorldMapOptions.Range(Values);
        _theme = WorldMapTheme.For(ThemeMode);
    }

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

                // Kept before the map exists, so that a dispose during the creation still destroys it.
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

            // Also after the first render: parameters may have changed while the map was being created.
            await SendChangedOptionsAsync();
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone, and the map with it.
        }
        catch (JSException ex)
        {
            Logger.LogWarning(ex, "jsvectormap could not draw map {MapId}.", Id);
            _failure = "The map could not be drawn in this browser; the numbers are in the table.";
            StateHasChanged();
        }
    }

    /// <summary>The options the module receives, as JSON.</summary>
    internal string BuildOptions() => WorldMapOptions.Create(Values, Label, Details, ThemeMode).Serialize();

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
