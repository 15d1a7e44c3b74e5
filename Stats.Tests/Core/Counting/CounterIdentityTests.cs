using System.Globalization;
using Stats.Core.Counting;

namespace Stats.Tests.Core.Counting;

public sealed class CounterIdentityTests
{
    private static readonly DateTime s_spec = new(2024, 6, 15, 13, 35, 0, DateTimeKind.Utc);

    [Fact]
    public void SessionOfAnAnonymousVisitorIsTheSpecsExample()
    {
        // COUNTER R5.1: 2024-06-15 13:35 from 192.1.1.168 with Mozilla/5.0.
        Assert.Equal("192.1.1.168|Mozilla/5.0|2024-06-15|13", CounterIdentity.SessionKey(null, null, "192.1.1.168", "Mozilla/5.0", s_spec));
    }

    [Fact]
    public void SessionIdWinsAndLastsTheWholeDay()
    {
        Assert.Equal("s-1|2024-06-15", CounterIdentity.SessionKey("u-1", "s-1", "192.1.1.168", "Mozilla/5.0", s_spec));
        Assert.Equal(
            CounterIdentity.SessionKey(null, "s-1", null, null, s_spec.Date),
            CounterIdentity.SessionKey(null, "s-1", null, null, s_spec.Date.AddDays(1).AddTicks(-1)));
    }

    [Fact]
    public void UserIdWithoutSessionIsSlicedByClockHour()
    {
        Assert.Equal("u-1|2024-06-15|13", CounterIdentity.SessionKey("u-1", null, "192.1.1.168", "Mozilla/5.0", s_spec));
        Assert.Equal("u-1|2024-06-15|13", CounterIdentity.SessionKey("u-1", "", null, null, s_spec));
    }

    [Theory]
    [InlineData("2024-06-15T13:00:00", "2024-06-15T13:59:59", true)]
    [InlineData("2024-06-15T13:59:59", "2024-06-15T14:00:00", false)]
    [InlineData("2024-06-15T23:59:59", "2024-06-16T00:00:00", false)]
    public void AnonymousSessionsAreClockHourSlicesThatNeverSpanTwoDays(string first, string second, bool same)
    {
        var a = CounterIdentity.SessionKey(null, null, "192.1.1.168", "Mozilla/5.0", Utc(first));
        var b = CounterIdentity.SessionKey(null, null, "192.1.1.168", "Mozilla/5.0", Utc(second));

        Assert.Equal(same, a == b);
    }

    [Theory]
    [InlineData("u-1", "s-1", "192.1.1.168", "Mozilla/5.0", "u|u-1")]
    [InlineData(null, "s-1", "192.1.1.168", "Mozilla/5.0", "s|s-1")]
    [InlineData("", "", "192.1.1.168", "Mozilla/5.0", "a|192.1.1.168|Mozilla/5.0")]
    [InlineData(null, null, "192.1.1.168", null, "a|192.1.1.168|")]
    [InlineData(null, null, null, "Mozilla/5.0", null)]
    public void VisitorIsTheBestAvailableIdentity(string? userId, string? sessionId, string? ip, string? userAgent, string? expected)
    {
        Assert.Equal(expected, CounterIdentity.VisitorKey(userId, sessionId, ip, userAgent));
    }

    [Fact]
    public void NoIdentityMeansNoSession()
    {
        Assert.Null(CounterIdentity.SessionKey(null, null, null, "Mozilla/5.0", s_spec));
    }

    private static DateTime Utc(string text) =>
        DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
