using Stats.Core.Import.Invenio;

namespace Stats.Tests.Core.Import.Invenio;

public sealed class InvenioAggregateLinesTests
{
    [Theory]
    [InlineData("2024-03-05", "2024-03-05")]
    [InlineData("2024-03-05T00:00:00", "2024-03-05")]
    [InlineData("2024-03-05T23:59:59", "2024-03-05")]
    [InlineData("2024-03-05T00:00:00.000", "2024-03-05")]
    [InlineData("2024-03-05T23:30:00-02:00", "2024-03-06")]
    [InlineData("2024-03-05T00:30:00+01:00", "2024-03-04")]
    public void ADocumentsDayIsTheUtcDayOfItsTimestamp(string timestamp, string day)
    {
        Assert.True(InvenioAggregateLines.TryDay(timestamp, out var read));
        Assert.Equal(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), read);
    }

    [Theory]
    [InlineData("2024-03-05T25:00:00")]
    [InlineData("2024-02-30T00:00:00")]
    [InlineData("2024-03-05X00:00:00")]
    [InlineData("05/03/2024")]
    public void ATimestampThatIsNoIsoDateOrTimeHasNoDay(string timestamp)
    {
        Assert.False(InvenioAggregateLines.TryDay(timestamp, out _));
    }
}
