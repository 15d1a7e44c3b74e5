using Stats.Core.Queries;
using Stats.Dashboard.Components.Charts;

namespace Stats.Dashboard.Components.Pages.Overview;

/// <summary>
/// The Overview chart's data: one series per event type with one point per day of the window. The query only
/// returns the days on which a type occurred; the days in between are filled with zeros, so that every series
/// lines up with the same x values.
/// </summary>
public sealed record DailyTypeSeries(IReadOnlyList<DateOnly> Days, IReadOnlyList<ChartSeries> Series)
{
    /// <summary>Midnight UTC of each day, for a datetime axis.</summary>
    public IReadOnlyList<DateTimeOffset> DayStarts { get; } =
        [.. Days.Select(d => new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero))];

    public static DailyTypeSeries From(OverviewSummary summary)
    {
        var days = Enumerable.Range(0, summary.To.DayNumber - summary.From.DayNumber + 1)
            .Select(summary.From.AddDays)
            .ToList();
        var counts = summary.Counts
            .GroupBy(c => (c.Day, c.Type))
            .ToDictionary(g => g.Key, g => g.Sum(c => c.Count));
        var series = summary.Types
            .Select(type => new ChartSeries(type, [.. days.Select(day => (double)counts.GetValueOrDefault((day, type)))]))
            .ToList();
        return new DailyTypeSeries(days, series);
    }
}
