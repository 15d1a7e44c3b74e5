using System.Text.Json;
using Stats.Core.Queries;

namespace Stats.Tests.Core.Queries;

public sealed class HistogramsTests
{
    private static (DateOnly, NewRecordCount) Day(int year, int month, int day, long count) => (new DateOnly(year, month, day), new NewRecordCount(count));

    private static List<(string Date, long Count)> Flat(Histogram<NewRecordCount> histogram) =>
        [.. histogram.Buckets.Select(b => (b.Date.ToString("yyyy-MM-dd"), b.Values.NewRecords))];

    [Fact]
    public void WeeksStartOnMondayAndAWeekTheRangeCutsHoldsOnlyItsDaysInsideTheRange()
    {
        // 2024-06-12 is a Wednesday: the first bucket is the week of Monday 06-10, without Monday's 100.
        var days = new[] { Day(2024, 6, 10, 100), Day(2024, 6, 12, 1), Day(2024, 6, 16, 2), Day(2024, 6, 17, 4), Day(2024, 6, 25, 8), Day(2024, 6, 26, 16) };

        var histogram = Histograms.Build(days, new DateOnly(2024, 6, 12), new DateOnly(2024, 6, 25), Interval.Week);

        Assert.Equal("week", histogram.Interval);
        Assert.Equal([("2024-06-10", 3L), ("2024-06-17", 4L), ("2024-06-24", 8L)], Flat(histogram));
    }

    [Fact]
    public void IsoWeeksRunAcrossTheYearEnd()
    {
        var days = new[] { Day(2024, 12, 31, 1), Day(2025, 1, 2, 2) };

        var histogram = Histograms.Build(days, new DateOnly(2024, 12, 29), new DateOnly(2025, 1, 5), Interval.Week);

        Assert.Equal([("2024-12-23", 0L), ("2024-12-30", 3L)], Flat(histogram));
    }

    [Fact]
    public void EmptyMonthsArePresentAsZeros()
    {
        var days = new[] { Day(2023, 12, 31, 1), Day(2024, 2, 10, 2), Day(2024, 2, 29, 3) };

        var histogram = Histograms.Build(days, new DateOnly(2023, 12, 15), new DateOnly(2024, 3, 5), Interval.Month);

        Assert.Equal([("2023-12-01", 1L), ("2024-01-01", 0L), ("2024-02-01", 5L), ("2024-03-01", 0L)], Flat(histogram));
    }

    [Fact]
    public void YearsAndDaysBucketByTheirFirstDay()
    {
        var days = new[] { Day(2023, 12, 31, 1), Day(2024, 2, 10, 2), Day(2024, 2, 10, 3) };

        Assert.Equal([("2023-01-01", 1L), ("2024-01-01", 5L)], Flat(Histograms.Build(days, new DateOnly(2023, 12, 31), new DateOnly(2024, 2, 10), Interval.Year)));
        Assert.Equal([("2024-02-09", 0L), ("2024-02-10", 5L)], Flat(Histograms.Build(days, new DateOnly(2024, 2, 9), new DateOnly(2024, 2, 10), Interval.Day)));
    }

    [Fact]
    public void QuartersStartInJanuaryAprilJulyAndOctober()
    {
        var days = new[] { Day(2024, 1, 10, 100), Day(2024, 2, 10, 1), Day(2024, 3, 31, 2), Day(2024, 4, 1, 4), Day(2024, 12, 31, 8) };

        var histogram = Histograms.Build(days, new DateOnly(2024, 2, 1), new DateOnly(2025, 1, 5), Interval.Quarter);

        Assert.Equal(Interval.Quarter, new StatParameters(new Dictionary<string, string> { ["interval"] = "quarter" }).Interval());
        Assert.Equal("quarter", histogram.Interval);
        Assert.Equal([("2024-01-01", 3L), ("2024-04-01", 4L), ("2024-07-01", 0L), ("2024-10-01", 8L), ("2025-01-01", 0L)], Flat(histogram));
    }

    [Fact]
    public void ARangeWithTooManyBucketsIsAQueryError()
    {
        var error = Assert.Throws<StatQueryException>(() => Histograms.Build<NewRecordCount>([], new DateOnly(1, 1, 1), new DateOnly(2024, 1, 1), Interval.Day));

        Assert.Contains("10,000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABucketIsWrittenAsOneFlatSnakeCaseObject()
    {
        var histogram = new Histogram<ViewCounts>("day", [new HistogramBucket<ViewCounts>(new DateOnly(2024, 6, 10), new ViewCounts(5, 3))]);

        var json = JsonSerializer.Serialize<object>(histogram, StatJson.Options);

        Assert.Equal(
            """{"interval":"day","key_type":"date","start_date":null,"end_date":null,"buckets":[{"key":1717977600000,"date":"2024-06-10T00:00:00","views":5,"unique_views":3}]}""",
            json);
        Assert.Equal(histogram.Buckets[0], JsonSerializer.Deserialize<Histogram<ViewCounts>>(json, StatJson.Options)!.Buckets[0]);
    }
}
