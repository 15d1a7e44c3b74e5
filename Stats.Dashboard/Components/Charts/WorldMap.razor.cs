using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Stats.Dashboard.Components.Charts;

/// <summary>
/// A choropleth of the world by ISO 3166-1 alpha-2 country code, drawn by jsvectormap (loaded by the collocated module).
/// The colours, the legend and the tooltips' lines are computed here, so that the legend and the map share one scale;
/// the module only paints. Country "ZZ" (unknown) is not on the map: its value is told under it.
/// </summary>
public sealed partial class WorldMap
{
    /// <summary>The collocated module, imported relative to the document base.</summary>
    public const string ModulePath = "./Components/Charts/WorldMap.razor.js";

    protected override string ModuleUrl => ModulePath;

    protected override string Library => "jsvectormap";

    protected override string FailureMessage => "The map could not be drawn in this browser; the numbers are in the table.";

    private readonly string _generatedId = $"map-{Guid.NewGuid():N}";
    private (double Min, double Max)? _range;
    private WorldMapTheme _theme = WorldMapTheme.Light;

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
    public override string Id => MapId ?? _generatedId;

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

    /// <summary>The options the module receives, as JSON.</summary>
    internal override string BuildOptions() => WorldMapOptions.Create(Values, Label, Details, ThemeMode).Serialize();
}
