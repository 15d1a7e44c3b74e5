using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;
using Stats.Core.Retention;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Retention;

/// <summary>Ingestion against the retention horizon: what retention deletes could never be counted again.</summary>
public sealed class RetentionHorizonIngestionTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task EventsOlderThanTheHorizonAreRejectedAndTheRestOfTheBatchIsStored(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        // 2024-06-20 09:00 keeping 10 days: the horizon is 2024-06-10.
        await using var ingestion = new IngestionHarness(store, retention: new RetentionOptions { RawEventMaxAgeDays = 10 });

        var result = await ingestion.IngestAsync(
            TestEvents.View("rec-1", new DateTimeOffset(2024, 6, 9, 23, 59, 59, TimeSpan.Zero)),
            TestEvents.View("rec-1", new DateTimeOffset(2024, 6, 10, 0, 0, 31, TimeSpan.Zero)),
            TestEvents.View("rec-1", new DateTimeOffset(2024, 6, 10, 0, 0, 10, TimeSpan.Zero)),
            TestEvents.View("rec-1", new DateTimeOffset(2023, 1, 1, 12, 0, 0, TimeSpan.Zero)),
            TestEvents.View("rec-1", new DateTimeOffset(2024, 6, 19, 12, 0, 0, TimeSpan.Zero)));

        Assert.Equal(2, result.Accepted);
        Assert.Equal([0, 2, 3], result.Rejected.Select(r => r.Index));
        Assert.Equal(
            ["field 'timestamp' 2024-06-09T23:59:59Z is older than the retention period (10 days): raw events of days before 2024-06-10 are not kept, so it could never be counted correctly"],
            result.Rejected[0].Errors);
        // Within 30 seconds of midnight an event can close a double-click of the day before, whose raw events are gone.
        Assert.Equal(
            ["field 'timestamp' 2024-06-10T00:00:10Z can close a double-click of 2024-06-09, a day older than the retention period (10 days): raw events of days before 2024-06-10 are not kept"],
            result.Rejected[1].Errors);
        await using var context = store.CreateContext();
        Assert.Equal(
            [new DateTime(2024, 6, 10, 0, 0, 31, DateTimeKind.Utc), new DateTime(2024, 6, 19, 12, 0, 0, DateTimeKind.Utc)],
            await context.RawEvents.OrderBy(e => e.Timestamp).Select(e => e.Timestamp).ToListAsync(Cancellation));
        Assert.False(await context.DirtyDays.AnyAsync(d => d.Day < new DateOnly(2024, 6, 10), Cancellation));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task WithRetentionOffEventsOfAnyAgeAreStored(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store, retention: new RetentionOptions { RawEventMaxAgeDays = 0 });

        var result = await ingestion.IngestAsync(TestEvents.View("rec-1", new DateTimeOffset(2015, 3, 1, 12, 0, 0, TimeSpan.Zero)));

        Assert.Equal(1, result.Accepted);
        Assert.Empty(result.Rejected);
    }
}
