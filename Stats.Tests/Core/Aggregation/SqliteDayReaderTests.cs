using System.Text;
using Stats.Core.Aggregation;

namespace Stats.Tests.Core.Aggregation;

public sealed class SqliteDayReaderTests
{
    [Theory]
    [InlineData("2024-06-15 13:35:00", 0L)]
    [InlineData("2024-06-15 13:35:00.5", 5_000_000L)]
    [InlineData("2024-06-15 13:35:00.0000001", 1L)]
    [InlineData("2024-06-15 13:35:00.1234567", 1_234_567L)]
    public void ParsesTheTimestampTextSqliteStoresAsUtc(string text, long ticksAfterTheSecond)
    {
        var parsed = SqliteDayReader.ParseTimestamp(Encoding.ASCII.GetBytes(text));

        Assert.Equal(new DateTime(2024, 6, 15, 13, 35, 0, DateTimeKind.Utc).AddTicks(ticksAfterTheSecond), parsed);
        Assert.Equal(DateTimeKind.Utc, parsed.Kind);
    }

    [Theory]
    [InlineData("2024-06-15T13:35:00Z")]
    [InlineData("2024-06-15 13:35:00.12345678")]
    public void AnythingElseGoesThroughTheFrameworksParser(string text)
    {
        var parsed = SqliteDayReader.ParseTimestamp(Encoding.ASCII.GetBytes(text));

        Assert.Equal(new DateTime(2024, 6, 15, 13, 35, 0, DateTimeKind.Utc), parsed.AddTicks(-(parsed.Ticks % TimeSpan.TicksPerSecond)));
    }
}
