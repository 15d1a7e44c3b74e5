using Stats.Core.Data;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Aggregation;

/// <summary>Records keep arriving while the aggregator runs: a day read after its catalog snapshot may name records the snapshot has not seen.</summary>
public sealed class RecordsAppearingMidRunTests
{
    private static readonly DateTimeOffset s_noon = new(2024, 6, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly s_day = new(2024, 6, 15);
    private static readonly DateOnly s_dayBefore = s_day.AddDays(-1);

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ARecordFirstSeenDuringARunIsCountedWithItsCommunityAndOwner(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync(
            TestEvents.Published("rec-old", s_noon.AddDays(-10), owner: "alice", communities: ["hep"]),
            TestEvents.View("rec-old", s_noon, sessionId: "s-1"),
            TestEvents.View("rec-old", s_noon.AddDays(-1), sessionId: "s-2"));

        // Days run newest first: once the newest day has loaded the catalog, a new record and its usage arrive on the older day.
        var arrived = false;
        ingestion.Aggregator.DayComputed = async (day, _) =>
        {
            if (day == s_day && !arrived)
            {
                arrived = true;
                var result = await ingestion.IngestAsync(
                    TestEvents.Published("rec-new", s_noon.AddDays(-1).AddHours(-2), owner: "bob", communities: ["hep"]),
                    TestEvents.View("rec-new", s_noon.AddDays(-1).AddMinutes(10), sessionId: "s-5"));
                Assert.Equal(2, result.Accepted);
            }
        };

        var report = await ingestion.AggregateAsync();

        Assert.True(arrived, "The run never reached the newest day.");
        Assert.Contains(s_dayBefore, report.Days.Select(d => d.Day));
        await using var context = store.CreateContext();
        Assert.Equal(1, (await AggregateReader.RecordAsync(context, "rec-new", s_dayBefore)).Views);
        Assert.Equal(1, (await AggregateReader.OwnerAsync(context, "bob", s_dayBefore)).Views);
        Assert.Equal(2, (await AggregateReader.CommunityAsync(context, "hep", s_dayBefore)).Views);
        Assert.Equal(1, (await AggregateReader.RecordAsync(context, "rec-old", s_dayBefore)).Views);
    }
}
