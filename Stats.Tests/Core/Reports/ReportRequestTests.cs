using Stats.Core.Data;
using Stats.Core.Reports;

namespace Stats.Tests.Core.Reports;

public sealed class ReportRequestTests
{
    private static readonly SushiOptions s_options = new();

    private static ReportRequest Parse(CounterReport report, params (string Name, string Value)[] query) =>
        ReportRequest.Parse(report, query.ToDictionary(q => q.Name, q => q.Value, StringComparer.Ordinal), s_options);

    private static (string, string)[] Base(string begin = "2024-01", string end = "2024-03") =>
        [("customer_id", SushiOptions.WorldCustomerId), ("begin_date", begin), ("end_date", end)];

    [Fact]
    public void DatesCoverWholeMonthsWhetherGivenAsMonthsOrDays()
    {
        var byMonth = Parse(CounterReport.IR, Base("2024-01", "2024-02"));
        var byDay = Parse(CounterReport.IR, Base("2024-01-15", "2024-02-10"));

        Assert.Equal((new DateOnly(2024, 1, 1), new DateOnly(2024, 2, 29)), (byMonth.Begin, byMonth.End));
        Assert.Equal((byMonth.Begin, byMonth.End), (byDay.Begin, byDay.End));
    }

    [Theory]
    [InlineData("2024-13", "2024-12")]
    [InlineData("yesterday", "2024-12")]
    [InlineData("2024-06", "2024-05")]
    [InlineData("", "2024-05")]
    public void InvalidOrReversedDatesAreException3020(string begin, string end)
    {
        var error = Assert.Throws<CounterRequestException>(() => Parse(CounterReport.PR, Base(begin, end))).Error;

        Assert.Equal((3020, 400), (error.Code, error.HttpStatus));
    }

    [Fact]
    public void AMissingCustomerIdIsException1030()
    {
        var error = Assert.Throws<CounterRequestException>(() => Parse(CounterReport.PR, ("begin_date", "2024-01"), ("end_date", "2024-01"))).Error;

        Assert.Equal((1030, 400), (error.Code, error.HttpStatus));
    }

    [Fact]
    public void AnUnknownParameterIsWarning3050AndAnInvalidFilterValue3060WhileTheValidValuesStay()
    {
        var request = Parse(CounterReport.IR, [.. Base(), ("colour", "blue"), ("access_type", "Open|Gratis"), ("metric_type", "Total_Item_Requests|Unique_Item_Requests")]);

        Assert.Equal([(3050, "colour"), (3060, "access_type:Gratis")], request.Warnings.Select(w => (w.Code, w.Data!)));
        Assert.Equal(["Open"], request.AccessTypes!);
        Assert.Equal(["Total_Item_Requests", "Unique_Item_Requests"], request.Metrics);
    }

    [Fact]
    public void FiltersOfTheItemReportAreNotRecognisedInThePlatformUsageView()
    {
        var request = Parse(CounterReport.PR_P1, [.. Base(), ("access_type", "Open")]);

        Assert.Equal([3050], request.Warnings.Select(w => w.Code));
    }

    [Fact]
    public void RegularIsTheDefaultAccessMethodAndTdmAsksForScriptedUse()
    {
        Assert.Equal([AccessMethod.Regular], Parse(CounterReport.IR, Base()).AccessMethods);
        Assert.Equal([AccessMethod.Regular, AccessMethod.Machine], Parse(CounterReport.IR, [.. Base(), ("access_method", "Regular|TDM")]).AccessMethods);
    }

    [Theory]
    [InlineData("Totals")]
    [InlineData("Total")]
    public void GranularityTotalsIsAcceptedUnderBothNames(string value)
    {
        Assert.True(Parse(CounterReport.PR, [.. Base(), ("granularity", value)]).Totals);
    }

    [Fact]
    public void YearsOfPublicationTakeSingleYearsAndRanges()
    {
        var request = Parse(CounterReport.IR, [.. Base(), ("yop", "2019|2021-2023|19x")]);

        Assert.Equal([(2019, 2019), (2021, 2023)], request.Yops!);
        Assert.Equal([3060], request.Warnings.Select(w => w.Code));
    }

    [Theory]
    [InlineData("publication-article", "Article")]
    [InlineData("publication", "Article")]
    [InlineData("dataset", "Dataset")]
    [InlineData("software", "Software")]
    [InlineData("image-figure", "Image")]
    [InlineData("publication-thesis", "Thesis_or_Dissertation")]
    [InlineData("presentation", "Other")]
    [InlineData(null, "Unspecified")]
    public void ResourceTypesBecomeCounterDataTypes(string? resourceType, string dataType)
    {
        Assert.Equal(dataType, CounterReports.DataType(resourceType));
    }
}
