using Stats.Core.Queries;
using Stats.Dashboard.Components.Charts;

namespace Stats.Dashboard.Components.Panels;

/// <summary>A usage histogram as a chart's data: the first day of each bucket and one series per COUNTER metric.</summary>
public sealed record UsageSeries(IReadOnlyList<DateOnly> Days, IReadOnlyList<ChartSeries> Series)
{
    /// <summary>The series' names, which are also the CSV's headers.</summary>
    public const string Views = "Views";
    public const string UniqueViews = "Unique views";
    public const string Downloads = "Downloads";
    public const string UniqueDownloads = "Unique downloads";

    public static UsageSeries From(Histogram<UsageCounts> histogram)
    {
        var buckets = histogram.Buckets;
        return new UsageSeries(
            [.. buckets.Select(b => b.Date)],
            [
                new ChartSeries(Views, [.. buckets.Select(b => (double)b.Values.Views)]),
                new ChartSeries(UniqueViews, [.. buckets.Select(b => (double)b.Values.UniqueViews)]),
                new ChartSeries(Downloads, [.. buckets.Select(b => (double)b.Values.Downloads)]),
                new ChartSeries(UniqueDownloads, [.. buckets.Select(b => (double)b.Values.UniqueDownloads)]),
            ]);
    }

    /// <summary>Whether any bucket has any usage (an all-zero chart is an empty state).</summary>
    public bool HasUsage => Series.Any(s => s.Data.Any(v => v != 0));
}
