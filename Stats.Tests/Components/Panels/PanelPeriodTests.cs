using Stats.Core.Queries;
using Stats.Dashboard.Components.Panels;

namespace Stats.Tests.Components.Panels;

public sealed class PanelPeriodTests
{
    private static readonly DateOnly s_today = new(2026, 11, 25);

    [Theory]
    [InlineData("7d", PeriodPreset.Last7Days, "2026-11-19", Interval.Day)]
    [InlineData("30d", PeriodPreset.Last30Days, "2026-10-27", Interval.Day)]
    [InlineData("12m", PeriodPreset.Last12Months, "2025-11-26", Interval.Month)]
    [InlineData("year", PeriodPreset.ThisYear, "2026-01-01", Interval.Month)]
    public void PresetsResolveToDaysUpToTodayWithTheirDefaultInterval(string key, PeriodPreset preset, string from, Interval interval)
    {
        var period = PanelPeriod.FromQuery(key, null, null, null);

        Assert.Equal(preset, period.Preset);
        Assert.Equal(interval, period.Interval);
        Assert.Equal(new DayRange(DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), s_today), period.Resolve(s_today));
    }

    [Theory]
    [InlineData("mtd", "2026-11-01", "2026-11-25", "2026-10-01", "2026-10-25", Interval.Day)]
    [InlineData("last-month", "2026-10-01", "2026-10-31", "2026-09-01", "2026-09-30", Interval.Day)]
    [InlineData("last-year", "2025-01-01", "2025-12-31", "2024-01-01", "2024-12-31", Interval.Month)]
    public void CalendarPresetsCoverTheirCalendarDaysAndCompareWithTheSameDaysBefore(
        string key, string from, string to, string previousFrom, string previousTo, Interval interval)
    {
        var period = PanelPeriod.FromQuery(key, null, null, null);

        Assert.Equal(key, PanelPeriod.KeyOf(period.Preset));
        Assert.Equal(interval, period.Interval);
        Assert.Equal(new DayRange(Day(from), Day(to)), period.Resolve(s_today));
        Assert.Equal(new DayRange(Day(previousFrom), Day(previousTo)), period.Previous(s_today));
    }

    [Fact]
    public void MonthToDateOnTheLastDayOfALongMonthComparesWithTheWholeShorterMonthBefore()
    {
        var march31 = new DateOnly(2026, 3, 31);

        Assert.Equal(new DayRange(new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 28)), PanelPeriod.Of(PeriodPreset.MonthToDate).Previous(march31));
    }

    [Theory]
    [InlineData("2025-01-01", "2025-12-06", "1 Jan – 6 Dec 2025")]
    [InlineData("2024-12-07", "2025-12-06", "7 Dec 2024 – 6 Dec 2025")]
    public void ARangeIsNamedWithItsYearOnceWhenBothDaysShareIt(string from, string to, string expected) =>
        Assert.Equal(expected, PanelPeriod.DescribeRange(Day(from), Day(to)));

    private static DateOnly Day(string text) => DateOnly.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void PresetRoundTripsThroughTheQueryString()
    {
        var period = PanelPeriod.Of(PeriodPreset.Last30Days) with { Interval = Interval.Week };

        Assert.Equal("period=30d&interval=week", period.ToQueryString());
        Assert.Equal(period, PanelPeriod.FromQuery("30d", null, null, "week"));
    }

    [Fact]
    public void CustomRangeRoundTripsThroughTheQueryString()
    {
        var period = PanelPeriod.Between(new DateOnly(2025, 1, 1), new DateOnly(2025, 3, 31)) with { Interval = Interval.Week };

        Assert.Equal("from=2025-01-01&to=2025-03-31&interval=week", period.ToQueryString());
        Assert.Equal(period, PanelPeriod.FromQuery(null, "2025-01-01", "2025-03-31", "week"));
        Assert.Equal(new DayRange(new DateOnly(2025, 1, 1), new DateOnly(2025, 3, 31)), period.Resolve(s_today));
    }

    [Theory]
    [InlineData(null, null, null, null)]
    [InlineData("fortnight", null, null, "hourly")]
    [InlineData(null, "2025-03-31", "2025-01-01", null)]
    [InlineData(null, "yesterday", "2025-01-01", null)]
    public void MissingOrMalformedQueriesFallBackToTheLast30DaysByDay(string? period, string? from, string? to, string? interval)
    {
        Assert.Equal(PanelPeriod.Default, PanelPeriod.FromQuery(period, from, to, interval));
    }

    [Fact]
    public void PreviousPeriodIsAsManyDaysJustBefore()
    {
        Assert.Equal(new DayRange(new DateOnly(2026, 11, 12), new DateOnly(2026, 11, 18)), PanelPeriod.Of(PeriodPreset.Last7Days).Previous(s_today));
        Assert.Equal(
            new DayRange(new DateOnly(2024, 10, 3), new DateOnly(2024, 12, 31)),
            PanelPeriod.Between(new DateOnly(2025, 1, 1), new DateOnly(2025, 3, 31)).Previous(s_today));
    }

    [Fact]
    public void ThisYearComparesWithTheSameDaysOfLastYearAndAllTimeWithNothing()
    {
        Assert.Equal(new DayRange(new DateOnly(2025, 1, 1), new DateOnly(2025, 11, 25)), PanelPeriod.Of(PeriodPreset.ThisYear).Previous(s_today));
        Assert.Null(PanelPeriod.Of(PeriodPreset.AllTime).Previous(s_today));
        Assert.Equal(new Period(null, s_today), PanelPeriod.Of(PeriodPreset.AllTime).Resolve(s_today).ToPeriod());
    }

    [Theory]
    [InlineData(30, Interval.Day)]
    [InlineData(200, Interval.Week)]
    [InlineData(1000, Interval.Month)]
    [InlineData(5000, Interval.Year)]
    public void CustomRangesGetAnIntervalThatKeepsTheChartReadable(int days, Interval expected)
    {
        Assert.Equal(expected, PanelPeriod.Between(s_today.AddDays(1 - days), s_today).Interval);
    }
}
