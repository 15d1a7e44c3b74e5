using System.Text.Json;
using Stats.Core.Data;
using Stats.Core.Queries;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Queries;

public sealed class StatParametersTests
{
    [Theory]
    [InlineData("2024-06-10", "2024-06-10")]
    [InlineData("2024-06-10T10:00:00", "2024-06-10")]
    [InlineData("2024-06-10T23:30:00-02:00", "2024-06-11")]
    [InlineData("2024-06-11T00:30:00+02:00", "2024-06-10")]
    [InlineData("2024-06-10T08:00:00.123Z", "2024-06-10")]
    public void DatesAreDaysOrIsoDateTimesTakenAsTheirUtcDate(string given, string day)
    {
        var period = TestStats.Params(("start_date", given)).Period();

        Assert.Equal(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), period.Start);
        Assert.Null(period.End);
    }

    [Theory]
    [InlineData("start_date", "10/06/2024")]
    [InlineData("start_date", "2024-13-01")]
    [InlineData("end_date", "yesterday")]
    [InlineData("interval", "fortnight")]
    [InlineData("access_method", "robot")]
    [InlineData("size", "0")]
    [InlineData("size", "101")]
    [InlineData("size", "ten")]
    [InlineData("metric", "clicks")]
    public void AMalformedValueIsAQueryErrorNamingTheParameter(string name, string value)
    {
        var parameters = TestStats.Params((name, value));

        var error = Assert.Throws<StatQueryException>(() =>
        {
            _ = parameters.Period();
            _ = parameters.Interval();
            _ = parameters.AccessMethod();
            _ = parameters.Size();
            _ = parameters.Metric(UsageMetric.Views);
        });

        Assert.Contains($"'{name}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AStartAfterTheEndIsAQueryError()
    {
        var error = Assert.Throws<StatQueryException>(() => TestStats.Params(("start_date", "2024-06-11"), ("end_date", "2024-06-10")).Period());

        Assert.Contains("after", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultsAreAllTimeDaysBothAccessMethodsAndTen()
    {
        var parameters = StatParameters.Empty;

        Assert.Equal(Period.All, parameters.Period());
        Assert.Equal(Interval.Day, parameters.Interval());
        Assert.Null(parameters.AccessMethod());
        Assert.Equal(10, parameters.Size());
        Assert.Equal(AccessMethod.Machine, TestStats.Params(("access_method", "Machine")).AccessMethod());
    }

    [Fact]
    public void JsonParametersAcceptStringsNumbersAndBooleansButNotObjects()
    {
        using var good = JsonDocument.Parse("""{"recid": 12345, "size": "5", "start_date": null}""");
        using var bad = JsonDocument.Parse("""{"recid": {"id": 1}}""");

        var parameters = StatParameters.FromJson(good.RootElement);

        Assert.Equal("12345", parameters.Required("recid"));
        Assert.Equal(5, parameters.Size());
        Assert.Null(parameters.Period().Start);
        Assert.Contains("'recid'", Assert.Throws<StatQueryException>(() => StatParameters.FromJson(bad.RootElement)).Message, StringComparison.Ordinal);
    }
}
