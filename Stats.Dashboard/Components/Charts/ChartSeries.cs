namespace Stats.Dashboard.Components.Charts;

/// <summary>
/// One named series of numeric data points. On axis charts (line, area, bar, heatmap) the points line up with
/// the chart's x values; on pie and donut charts a single series holds one slice per label.
/// </summary>
public sealed record ChartSeries(string Name, IReadOnlyList<double> Data);

/// <summary>A note drawn on a datetime axis: a line on one day, a band over a range (<paramref name="To"/> inclusive).</summary>
public sealed record ChartAnnotation(DateOnly From, DateOnly To, string Text);
