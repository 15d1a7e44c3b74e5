using Stats.Core.Queries;
using Stats.Dashboard.Components.Pages.Overview;

namespace Stats.Tests.Components.Pages;

public sealed class DailyTypeSeriesTests
{
    private static readonly DateOnly s_from = new(2026, 11, 1);

    [Fact]
    public void EveryTypeGetsAPointForEveryDayFromFirstToLast()
    {
        var summary = new OverviewSummary(s_from, s_from.AddDays(6), [new(s_from.AddDays(3), "sip-sent", 4), new(s_from, "record-view", 1)], 5, 0, 0);

        var series = DailyTypeSeries.From(summary);

        Assert.Equal(7, series.Days.Count);
        Assert.Equal(s_from, series.Days[0]);
        Assert.Equal(s_from.AddDays(6), series.Days[^1]);
        Assert.Equal([0, 0, 0, 4, 0, 0, 0], series.Series.Single(s => s.Name == "sip-sent").Data);
        Assert.Equal([1, 0, 0, 0, 0, 0, 0], series.Series.Single(s => s.Name == "record-view").Data);
    }

    [Fact]
    public void SeriesComeInTheSummarysOrderMostFrequentTypeFirst()
    {
        var summary = new OverviewSummary(s_from, s_from, [new(s_from, "a-rare-type", 1), new(s_from, "record-view", 9)], 10, 0, 0);

        var series = DailyTypeSeries.From(summary);

        Assert.Equal(["record-view", "a-rare-type"], series.Series.Select(s => s.Name));
    }

    [Fact]
    public void AWindowWithoutEventsHasDaysButNoSeries()
    {
        var summary = new OverviewSummary(s_from, s_from.AddDays(29), [], 0, 0, 0);

        var series = DailyTypeSeries.From(summary);

        Assert.Equal(30, series.Days.Count);
        Assert.Empty(series.Series);
    }
}
