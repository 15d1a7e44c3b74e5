namespace Stats.Dashboard.Components.Charts;

/// <summary>The chart types <see cref="ApexChart"/> supports; each maps to an ApexCharts <c>chart.type</c>.</summary>
public enum ChartType
{
    Line,
    Area,
    Bar,
    Donut,
    Pie,
    Heatmap,
}
