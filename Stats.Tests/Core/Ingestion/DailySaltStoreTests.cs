using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Ingestion;

public sealed class DailySaltStoreTests
{
    private static readonly DateTimeOffset s_monday = new(2024, 6, 17, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ASaltIsDestroyedOnceItsDayAndTheGracePeriodAreOver(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store, now: s_monday);
        await ingestion.IngestAsync(TestEvents.View("rec-1", s_monday, userId: "alice"));

        // Tuesday: Monday's salt is still in its grace period (one day by default).
        ingestion.Clock.SetUtcNow(s_monday.AddDays(1).AddHours(10));
        await ingestion.IngestAsync(TestEvents.View("rec-1", s_monday.AddDays(1), userId: "alice"));
        Assert.Empty(await ingestion.Salts.DestroyExpiredAsync(Cancellation));

        // Wednesday 00:00: Monday plus one day of grace is over.
        ingestion.Clock.SetUtcNow(new DateTimeOffset(2024, 6, 19, 0, 0, 0, TimeSpan.Zero));
        var destroyed = await ingestion.Salts.DestroyExpiredAsync(Cancellation);

        Assert.Equal([new DateOnly(2024, 6, 17)], destroyed);
        await using var context = store.CreateContext();
        Assert.Equal([new DateOnly(2024, 6, 18)], await context.DailySalts.Select(s => s.Day).ToListAsync(Cancellation));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ALateEventOfADayWhoseSaltIsGoneIsHashedWithASaltThatIsNeverStored(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store, now: s_monday);
        await ingestion.IngestAsync(TestEvents.View("rec-1", s_monday, userId: "alice"));
        ingestion.Clock.SetUtcNow(s_monday.AddDays(5));
        await ingestion.Salts.DestroyExpiredAsync(Cancellation);

        await ingestion.IngestAsync(
            TestEvents.View("rec-1", s_monday.AddHours(1), userId: "alice"),
            TestEvents.View("rec-1", s_monday.AddHours(2), userId: "alice"));

        await using var context = store.CreateContext();
        Assert.Empty(await context.DailySalts.ToListAsync(Cancellation));
        var hashes = await context.RawEvents.OrderBy(e => e.Timestamp).Select(e => e.VisitorHash).ToListAsync(Cancellation);
        Assert.NotEqual(hashes[0], hashes[1]);
        Assert.Equal(hashes[1], hashes[2]);
    }
}
