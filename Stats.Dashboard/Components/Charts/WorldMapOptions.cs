using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Stats.Dashboard.Components.Charts;

/// <summary>One more number of a country for the map's tooltip, under the number that colours it.</summary>
public sealed record MapFigure(string Label, double Value);

/// <summary>
/// What WorldMap.razor.js receives: the fill of every country that has a value (computed here, so that the legend and the
/// map use one scale), the tooltip lines, and the theme's colours. Serialized camelCase without nulls.
/// </summary>
internal sealed record WorldMapOptions
{
    /// <summary>The ISO 3166-1 alpha-2 code of countries the IP lookup could not place: never on the map.</summary>
    public const string UnknownCountry = "ZZ";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Country code to CSS colour, only for countries with a value above zero (the others keep the empty colour).</summary>
    public required IReadOnlyDictionary<string, string> Fills { get; init; }

    /// <summary>Country code to the tooltip's lines under the country's name, for countries with a value.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Tooltips { get; init; }

    /// <summary>The tooltip line of a country without a value ("Views: 0").</summary>
    public required string EmptyTooltip { get; init; }

    public required WorldMapTheme Theme { get; init; }

    public required string Label { get; init; }

    public string Serialize() => JsonSerializer.Serialize(this, s_json);

    /// <summary>The scale of the colours: the lowest and highest value above zero of the known countries.</summary>
    public static (double Min, double Max)? Range(IReadOnlyDictionary<string, double> values)
    {
        var known = values.Where(v => !IsUnknown(v.Key) && v.Value > 0).Select(v => v.Value).ToList();
        return known.Count == 0 ? null : (known.Min(), known.Max());
    }

    public static bool IsUnknown(string code) => string.Equals(code, UnknownCountry, StringComparison.OrdinalIgnoreCase);

    public static string Format(double value) => value.ToString("#,##0.##", CultureInfo.InvariantCulture);

    public static WorldMapOptions Create(
        IReadOnlyDictionary<string, double> values,
        string label,
        IReadOnlyDictionary<string, IReadOnlyList<MapFigure>>? details,
        ThemeMode themeMode)
    {
        var theme = WorldMapTheme.For(themeMode);
        var range = Range(values);
        var fills = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var tooltips = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (code, value) in values)
        {
            if (IsUnknown(code))
            {
                continue;
            }

            var key = code.ToUpperInvariant();
            if (value > 0)
            {
                fills[key] = theme.ColorOf(value, range!.Value.Min, range.Value.Max);
            }

            List<string> lines = [$"{label}: {Format(value)}"];
            if (details is not null && details.TryGetValue(code, out var figures))
            {
                lines.AddRange(figures.Select(f => $"{f.Label}: {Format(f.Value)}"));
            }

            tooltips[key] = lines;
        }

        return new WorldMapOptions
        {
            Fills = fills,
            Tooltips = tooltips,
            EmptyTooltip = $"{label}: 0",
            Theme = theme,
            Label = label,
        };
    }
}

/// <summary>
/// The map's colours in one theme: countries without a value, the two ends of the scale, the borders, and the tooltip's
/// background and text (jsvectormap's own fail the contrast check).
/// </summary>
public sealed record WorldMapTheme(
    string Mode, string EmptyFill, string LowFill, string HighFill, string Border, string TooltipBackground, string TooltipText)
{
    public static WorldMapTheme Light { get; } = new("light", "#e5e9f0", "#c6dbef", "#08306b", "#ffffff", "#1f2937", "#ffffff");

    public static WorldMapTheme Dark { get; } = new("dark", "#3a3f4b", "#1f4e79", "#9ecae1", "#1e1e2d", "#f3f4f6", "#111827");

    internal static WorldMapTheme For(ThemeMode mode) => mode == ThemeMode.Dark ? Dark : Light;

    /// <summary>Linear between the low and the high colour; the high colour when every country has the same value.</summary>
    internal string ColorOf(double value, double min, double max)
    {
        var share = max > min ? Math.Clamp((value - min) / (max - min), 0, 1) : 1;
        var (low, high) = (Rgb(LowFill), Rgb(HighFill));
        return string.Create(CultureInfo.InvariantCulture, $"#{Mix(low.R, high.R):x2}{Mix(low.G, high.G):x2}{Mix(low.B, high.B):x2}");

        int Mix(int from, int to) => (int)Math.Round(from + ((to - from) * share));
    }

    private static (int R, int G, int B) Rgb(string hex) => (
        int.Parse(hex.AsSpan(1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
        int.Parse(hex.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
        int.Parse(hex.AsSpan(5, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
}
