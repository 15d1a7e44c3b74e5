using Stats.Core.Events;

namespace Stats.Tests.Core.Events;

public sealed class IsoTimestampTests
{
    [Theory]
    [InlineData("2026-01-12T10:00:00Z", "2026-01-12T10:00:00.0000000+00:00")]
    [InlineData("2026-01-12T10:00:00", "2026-01-12T10:00:00.0000000+00:00")]
    [InlineData("2026-01-12T10:00", "2026-01-12T10:00:00.0000000+00:00")]
    [InlineData("2026-01-12T10:00:00.123456", "2026-01-12T10:00:00.1234560+00:00")]
    [InlineData("2026-01-12T11:00:00+01:00", "2026-01-12T10:00:00.0000000+00:00")]
    [InlineData("2026-01-12T05:00:00.5-05:00", "2026-01-12T10:00:00.5000000+00:00")]
    public void IsoDateTimesAreReadWithoutAnOffsetAsUtc(string text, string expected) =>
        Assert.Equal(expected, IsoTimestamp.Parse(text)?.ToString("o", System.Globalization.CultureInfo.InvariantCulture));

    [Theory]
    [InlineData("12/01/2026 10:00")]
    [InlineData("Mon, 12 Jan 2026 10:00:00 GMT")]
    [InlineData("2026-01-12")]
    [InlineData("2026-01-12 10:00:00")]
    [InlineData("2026-13-12T10:00:00")]
    [InlineData("2026-01-12T10:00:00+0100")]
    [InlineData("0001-01-01T00:00:00+01:00")]
    [InlineData("")]
    public void EverythingElseIsRefused(string text) => Assert.Null(IsoTimestamp.Parse(text));
}
