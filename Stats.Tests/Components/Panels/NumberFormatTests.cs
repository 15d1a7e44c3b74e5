using Stats.Dashboard.Components.Panels;

namespace Stats.Tests.Components.Panels;

public sealed class NumberFormatTests
{
    [Theory]
    [InlineData(0, "0 s")]
    [InlineData(59, "59 s")]
    [InlineData(95, "1 min 35 s")]
    [InlineData(20_544, "5 h 42 min")]
    [InlineData((3 * 86_400) + (4 * 3_600) + 59, "3 d 4 h")]
    [InlineData(400 * 86_400, "400 d 0 h")]
    public void ADurationIsWrittenInItsTwoLargestUnits(long seconds, string expected) =>
        Assert.Equal(expected, NumberFormat.Format(seconds, NumberUnit.Seconds));

    [Theory]
    [InlineData(999, "999 B")]
    [InlineData(2_500_000_000, "2.5 GB")]
    public void BytesAreWrittenInDecimalUnits(long bytes, string expected) => Assert.Equal(expected, NumberFormat.Format(bytes, NumberUnit.Bytes));
}
