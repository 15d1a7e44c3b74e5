using Stats.Core.Counting;
using Stats.Core.Data;

namespace Stats.Tests.Core.Counting;

/// <summary>The test vectors of docs/domain/counting.md#test-vectors, which are the specification.</summary>
public sealed class CounterRulesTests
{
    private static readonly DateTime s_noon = new(2024, 6, 15, 12, 0, 0, DateTimeKind.Utc);
    private static readonly int[] s_hours = [12, 13, 14, 15];
    private static readonly int[] s_minutes = [10, 20, 30];

    private static UsageClick View(int second, long visitor = 1, long? session = 1, int record = 7, EventTraits traits = EventTraits.None) =>
        new(s_noon.AddSeconds(second), record, null, visitor, session, traits);

    private static UsageClick Download(DateTime at, long? visitor = 1, long? session = 1, int record = 7, int file = 70, long bytes = 0, EventTraits traits = EventTraits.None) =>
        new(at, record, file, visitor, session, traits, bytes);

    [Theory]
    [InlineData(new[] { 0, 29 }, new[] { 29 })]
    [InlineData(new[] { 0, 30 }, new[] { 30 })]
    [InlineData(new[] { 0, 35 }, new[] { 0, 35 })]
    [InlineData(new[] { 0, 20, 45 }, new[] { 45 })]
    [InlineData(new[] { 0, 31, 62 }, new[] { 0, 31, 62 })]
    public void DoubleClicksWithin30SecondsInclusiveKeepOnlyTheLastClickOfEachChain(int[] seconds, int[] kept)
    {
        var result = CounterRules.RemoveDoubleClicks(seconds.Select(s => View(s)));

        Assert.Equal(kept, result.Select(c => (int)(c.Timestamp - s_noon).TotalSeconds).Order());
    }

    [Fact]
    public void DifferentUsersOrUrlsNeverMerge()
    {
        UsageClick[] clicks =
        [
            View(0, visitor: 1), View(5, visitor: 2),
            View(10, visitor: 3, record: 7), View(12, visitor: 3, record: 8),
            Download(s_noon, visitor: 4, file: 70), Download(s_noon.AddSeconds(3), visitor: 4, file: 71),
            View(20, visitor: 5), Download(s_noon.AddSeconds(21), visitor: 5),
        ];

        Assert.Equal(clicks.Length, CounterRules.RemoveDoubleClicks(clicks).Count);
    }

    [Fact]
    public void ClicksOfAnUnknownUserAreNeverMerged()
    {
        var clicks = new[] { View(0) with { Visitor = null }, View(1) with { Visitor = null } };

        Assert.Equal(2, CounterRules.RemoveDoubleClicks(clicks).Count);
    }

    [Fact]
    public void APairAcrossMidnightKeepsTheClickOfTheNextDay()
    {
        var midnight = new DateTime(2024, 6, 16, 0, 0, 0, DateTimeKind.Utc);
        var clicks = new[] { Download(midnight.AddSeconds(-10)), Download(midnight.AddSeconds(10)) };

        var kept = Assert.Single(CounterRules.RemoveDoubleClicks(clicks));
        Assert.Equal(new DateOnly(2024, 6, 16), DateOnly.FromDateTime(kept.Timestamp));
    }

    [Fact]
    public void CounterAuditCaseGives45RequestsAnd30UniqueItems()
    {
        // 15 pairs inside 30 s and 15 pairs more than 30 s apart, each pair in its own session, one item, all downloads.
        var clicks = new List<UsageClick>();
        for (var pair = 0; pair < 30; pair++)
        {
            var start = s_noon.AddMinutes(pair * 5);
            var gap = pair < 15 ? 10 : 40;
            clicks.Add(Download(start, visitor: pair, session: pair));
            clicks.Add(Download(start.AddSeconds(gap), visitor: pair, session: pair));
        }

        var metrics = CounterRules.Count(clicks)[(7, AccessMethod.Regular)];

        Assert.Equal((45, 45, 30, 30), (metrics.TotalInvestigations, metrics.TotalRequests, metrics.UniqueInvestigations, metrics.UniqueRequests));
    }

    [Fact]
    public void InvenioCaseOfTwelveDownloadsByOneUserInFourHoursGivesTwelveFourAnd108000Bytes()
    {
        var user = 42L;
        var times = s_hours.SelectMany(hour => s_minutes.Select(minute => s_noon.Date.AddHours(hour).AddMinutes(minute)));
        // The session of a logged-in user is user id + date + hour (CounterIdentity): one per clock hour here.
        var clicks = times.Select(t => Download(t, visitor: user, session: t.Hour, bytes: 9000)).ToList();

        var metrics = CounterRules.Count(clicks)[(7, AccessMethod.Regular)];

        Assert.Equal(12, clicks.Count);
        Assert.Equal((12, 4, 108_000L), (metrics.TotalRequests, metrics.UniqueRequests, metrics.Volume));
    }

    [Fact]
    public void RobotsAreExcludedAndMachinesCountedApart()
    {
        UsageClick[] clicks =
        [
            Download(s_noon, visitor: 1), Download(s_noon.AddHours(1), visitor: 2),
            Download(s_noon, visitor: 3, traits: EventTraits.Robot), Download(s_noon.AddHours(1), visitor: 4, traits: EventTraits.Robot),
            Download(s_noon.AddHours(2), visitor: 5, traits: EventTraits.Robot),
            Download(s_noon, visitor: 6, session: 6, traits: EventTraits.Machine),
        ];

        var counts = CounterRules.Count(clicks);

        Assert.Equal(2, counts[(7, AccessMethod.Regular)].TotalRequests);
        Assert.Equal(1, counts[(7, AccessMethod.Machine)].TotalRequests);
        Assert.Equal(2, counts.Count);
    }

    [Fact]
    public void InvestigationsIncludeRequestsAndUniqueItemsCountOncePerSessionWhateverTheFiles()
    {
        UsageClick[] clicks =
        [
            View(0, visitor: 1, session: 10),
            Download(s_noon.AddMinutes(1), visitor: 1, session: 10, file: 70),
            Download(s_noon.AddMinutes(2), visitor: 1, session: 10, file: 71),
            View(0, visitor: 2, session: 20),
        ];

        var metrics = CounterRules.Count(clicks)[(7, AccessMethod.Regular)];

        Assert.Equal(new CounterMetrics(TotalInvestigations: 4, UniqueInvestigations: 2, TotalRequests: 2, UniqueRequests: 1, Volume: 0), metrics);
        Assert.True(metrics.TotalInvestigations >= metrics.UniqueInvestigations && metrics.TotalInvestigations >= metrics.TotalRequests);
        Assert.True(metrics.UniqueInvestigations >= metrics.UniqueRequests && metrics.TotalRequests >= metrics.UniqueRequests);
    }
}
