using Stats.Core.Retention;

namespace Stats.Tests.Core.Retention;

public sealed class RetentionOptionsTests
{
    [Fact]
    public void TheHorizonIsTodayMinusTheDaysKeptWhateverTheTimeOfDay()
    {
        var options = new RetentionOptions { RawEventMaxAgeDays = 180 };

        Assert.Equal(new DateOnly(2023, 12, 23), options.HorizonAt(new DateTimeOffset(2024, 6, 20, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateOnly(2023, 12, 23), options.HorizonAt(new DateTimeOffset(2024, 6, 20, 23, 59, 59, TimeSpan.Zero)));
        // An offset is converted to UTC first: 01:00 at +02:00 is still the 19th in UTC.
        Assert.Equal(new DateOnly(2023, 12, 22), options.HorizonAt(new DateTimeOffset(2024, 6, 20, 1, 0, 0, TimeSpan.FromHours(2))));
    }

    [Fact]
    public void ZeroDaysHasNoHorizon()
    {
        Assert.Null(new RetentionOptions { RawEventMaxAgeDays = 0 }.HorizonAt(DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void TheDefaultsAreValid()
    {
        Assert.Empty(new RetentionOptions().Validate());
    }

    [Fact]
    public void EachWrongSettingIsNamedInItsMessage()
    {
        var errors = new RetentionOptions { RawEventMaxAgeDays = -1, PurgeBatchSize = 0, PurgeInterval = TimeSpan.Zero }.Validate();

        Assert.Collection(
            errors,
            e => Assert.StartsWith("Stats:Retention:RawEventMaxAgeDays is -1", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Stats:Retention:PurgeBatchSize is 0", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Stats:Retention:PurgeInterval is 00:00:00", e, StringComparison.Ordinal));
    }

    [Fact]
    public void MoreThanAHundredYearsIsRefusedRatherThanOverflowingTheCalendar()
    {
        Assert.Equal(
            ["Stats:Retention:RawEventMaxAgeDays is 40000, but it must be 0 (keep raw events forever) or a number of days up to 36500."],
            new RetentionOptions { RawEventMaxAgeDays = 40_000 }.Validate());
    }
}
