using System.Text.Json;
using System.Text.Json.Serialization;

namespace Stats.Dashboard.Components.Charts;

/// <summary>
/// The part of ApexCharts' options object this wrapper sets. Serialized with <see cref="Serialize"/> it has the
/// exact shape (camelCase names, no nulls) that <c>new ApexCharts(element, options)</c> reads.
/// </summary>
internal sealed record ApexOptions
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public required ApexChartOptions Chart { get; init; }

    /// <summary>A list of <see cref="ApexSeries"/> on axis charts; a plain list of numbers on pie and donut charts.</summary>
    public required object Series { get; init; }

    public IReadOnlyList<string>? Labels { get; init; }

    [JsonPropertyName("xaxis")]
    public ApexXAxis? XAxis { get; init; }

    [JsonPropertyName("yaxis")]
    public ApexYAxis? YAxis { get; init; }

    public IReadOnlyList<string>? Colors { get; init; }

    public ApexTitle? Title { get; init; }

    public required ApexTheme Theme { get; init; }

    public required ApexTooltip Tooltip { get; init; }

    public ApexDataLabels DataLabels { get; init; } = new(Enabled: false);

    public required ApexStroke Stroke { get; init; }

    public required ApexFill Fill { get; init; }

    public required ApexGrid Grid { get; init; }

    public ApexLegend Legend { get; init; } = new(Position: "top", HorizontalAlign: "left");

    public ApexNoData NoData { get; init; } = new("No data");

    /// <summary>Notes on days or ranges of a datetime axis (<see cref="ChartAnnotation"/>).</summary>
    public ApexAnnotations? Annotations { get; init; }

    /// <summary>Overrides for narrow screens, where the legend wraps over several lines.</summary>
    public IReadOnlyList<ApexResponsive>? Responsive { get; init; }

    /// <summary>The widest screen, in CSS pixels, that gets the <see cref="Responsive"/> overrides.</summary>
    public const int NarrowScreen = 600;

    public string Serialize() => JsonSerializer.Serialize(this, s_json);

    /// <summary>ApexCharts' own palette, for the current series when the chart sets none.</summary>
    private static readonly string[] s_apexPalette = ["#008FFB", "#00E396", "#FEB019", "#FF4560", "#775DD0"];

    /// <summary>
    /// Adds the previous period's series after the current ones as dashed, unfilled lines (a combo chart: whatever the
    /// chart's type, a comparison is a line), so that the current period stays the figure and the previous one its faint
    /// background: grey behind a single series, each in its own series' colour when there are several (so that each
    /// compares with its own). Nothing changes without previous series, on pie and donut charts, and on stacked charts (a comparison is
    /// not a part of a total).
    /// </summary>
    public ApexOptions WithPrevious(IReadOnlyList<ChartSeries>? previous, ThemeMode themeMode)
    {
        if (previous is not { Count: > 0 } || Series is not List<ApexSeries> current || Chart.Stacked)
        {
            return this;
        }

        var faint = themeMode == ThemeMode.Dark ? "#8b93a5" : "#9aa3b4";
        var palette = Colors is { Count: > 0 } colors ? colors : s_apexPalette;
        var currentType = Chart.Type == "bar" ? "column" : Chart.Type;
        return this with
        {
            Series = (List<ApexSeries>)[.. current.Select(s => s with { Type = currentType }), .. previous.Select(p => new ApexSeries(p.Name, p.Data) { Type = "line" })],
            Colors = [.. current.Select((_, i) => palette[i % palette.Count]), .. previous.Select((_, i) => current.Count > 1 ? palette[i % palette.Count] : faint)],
            Stroke = Stroke with
            {
                Width = (int[])[.. current.Select(_ => (int)Stroke.Width), .. previous.Select(_ => 2)],
                DashArray = [.. current.Select(_ => 0), .. previous.Select(_ => 5)],
            },
            Fill = Fill with { Opacity = (double[])[.. current.Select(_ => (double)Fill.Opacity), .. previous.Select(_ => 0.0)] },
        };
    }

    /// <summary>Translates the wrapper's typed parameters into ApexCharts' options.</summary>
    public static ApexOptions Create(
        ChartType type,
        IReadOnlyList<ChartSeries> series,
        IReadOnlyList<string>? categories,
        IReadOnlyList<DateTimeOffset>? dateTimes,
        int height,
        bool stacked,
        string? title,
        ThemeMode themeMode,
        IReadOnlyList<string>? colors)
    {
        var dark = themeMode == ThemeMode.Dark;
        var isPie = type is ChartType.Pie or ChartType.Donut;
        var isDateTime = !isPie && dateTimes is not null;
        var mode = dark ? "dark" : "light";

        return new ApexOptions
        {
            Chart = new ApexChartOptions(
                Type: TypeName(type),
                Height: height,
                Stacked: stacked && !isPie,
                // Transparent, so that the chart sits on the MudBlazor surface of either theme.
                Background: "transparent",
                ForeColor: dark ? "#c3cad8" : "#4b5565",
                FontFamily: "inherit",
                Toolbar: new ApexToolbar(Show: false),
                Zoom: new ApexZoom(Enabled: false)),
            Series = isPie
                ? series.Count > 0 ? series[0].Data : Array.Empty<double>()
                : series.Select(s => new ApexSeries(s.Name, s.Data)).ToList(),
            Labels = isPie ? categories : null,
            XAxis = isPie
                ? null
                : isDateTime
                    ? new ApexXAxis("datetime", dateTimes!.Select(d => (object)d.ToUnixTimeMilliseconds()).ToList())
                    : new ApexXAxis("category", categories?.Cast<object>().ToList()),
            YAxis = isPie ? null : new ApexYAxis(DecimalsInFloat: 0),
            Colors = colors,
            Title = title is null ? null : new ApexTitle(title, Align: "left"),
            Theme = new ApexTheme(mode),
            Tooltip = new ApexTooltip(mode, isDateTime ? new ApexTooltipX("dd MMM yyyy") : null),
            Stroke = new ApexStroke("smooth", Width: type switch
            {
                ChartType.Line or ChartType.Area => 2,
                ChartType.Bar => 0,
                _ => 1,
            }),
            Fill = new ApexFill("solid", Opacity: type switch
            {
                ChartType.Area => stacked ? 0.55 : 0.3,
                ChartType.Bar => 0.9,
                _ => 1,
            }),
            Grid = new ApexGrid(dark ? "rgba(255, 255, 255, 0.08)" : "#e5e9f0"),
            Responsive = isPie
                ? null
                : [new ApexResponsive(NarrowScreen, new ApexResponsiveOptions(new ApexResponsiveChart(height + 100), new ApexLegend("bottom", "center")))],
        };
    }

    private static string TypeName(ChartType type) => type switch
    {
        ChartType.Line => "line",
        ChartType.Area => "area",
        ChartType.Bar => "bar",
        ChartType.Donut => "donut",
        ChartType.Pie => "pie",
        ChartType.Heatmap => "heatmap",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a chart type ApexChart knows."),
    };
}

internal sealed record ApexChartOptions(
    string Type,
    int Height,
    bool Stacked,
    string Background,
    string ForeColor,
    string FontFamily,
    ApexToolbar Toolbar,
    ApexZoom Zoom);

internal sealed record ApexToolbar(bool Show);

internal sealed record ApexZoom(bool Enabled);

internal sealed record ApexSeries(string Name, IReadOnlyList<double> Data)
{
    /// <summary>The series' own type in a combo chart (a previous period's line on an area or bar chart); null: the chart's.</summary>
    public string? Type { get; init; }
}

/// <summary>Categories are strings, or Unix milliseconds on a datetime axis.</summary>
internal sealed record ApexXAxis(string Type, IReadOnlyList<object>? Categories);

internal sealed record ApexYAxis(int DecimalsInFloat);

internal sealed record ApexTitle(string Text, string Align);

internal sealed record ApexTheme(string Mode);

internal sealed record ApexTooltip(string Theme, ApexTooltipX? X);

internal sealed record ApexTooltipX(string Format);

internal sealed record ApexDataLabels(bool Enabled);

/// <summary>One width for every series, or one per series; dashes per series (0: solid).</summary>
internal sealed record ApexStroke(string Curve, object Width)
{
    public IReadOnlyList<int>? DashArray { get; init; }
}

/// <summary>One opacity for every series, or one per series.</summary>
internal sealed record ApexFill(string Type, object Opacity);

internal sealed record ApexGrid(string BorderColor);

internal sealed record ApexLegend(string Position, string HorizontalAlign);

internal sealed record ApexNoData(string Text);

internal sealed record ApexResponsive(int Breakpoint, ApexResponsiveOptions Options);

internal sealed record ApexResponsiveOptions(ApexResponsiveChart Chart, ApexLegend Legend);

internal sealed record ApexResponsiveChart(int Height);

internal sealed record ApexAnnotations([property: JsonPropertyName("xaxis")] IReadOnlyList<ApexXAxisAnnotation> XAxis)
{
    /// <summary>A line for a day, a shaded band for a range, each labelled with its note; null without notes.</summary>
    public static ApexAnnotations? Of(IReadOnlyList<ChartAnnotation>? notes, ThemeMode themeMode)
    {
        if (notes is not { Count: > 0 })
        {
            return null;
        }

        var dark = themeMode == ThemeMode.Dark;
        var color = dark ? "#ffb74d" : "#b35900";
        var text = dark ? "#1e1e2d" : "#ffffff";
        return new([.. notes.Select(n => new ApexXAxisAnnotation(
            EpochMilliseconds(n.From),
            // A range ends with its last day, at the next midnight.
            n.To > n.From ? EpochMilliseconds(n.To.AddDays(1)) : null,
            color,
            color,
            0.12,
            new ApexAnnotationLabel(n.Text, "horizontal", color, new ApexAnnotationLabelStyle(text, color))))]);
    }

    private static long EpochMilliseconds(DateOnly day) => new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
}

internal sealed record ApexXAxisAnnotation(long X, long? X2, string BorderColor, string FillColor, double Opacity, ApexAnnotationLabel Label);

internal sealed record ApexAnnotationLabel(string Text, string Orientation, string BorderColor, ApexAnnotationLabelStyle Style);

internal sealed record ApexAnnotationLabelStyle(string Color, string Background);
