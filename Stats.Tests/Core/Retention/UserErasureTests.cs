using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;
using Stats.Core.Retention;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Retention;

public sealed class UserErasureTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static DateTimeOffset At(int day, int hour, int minute = 0, int second = 0) => new(2024, 6, day, hour, minute, second, TimeSpan.Zero);

    private static DateOnly June(int day) => new(2024, 6, day);

    /// <summary>
    /// Alice (logged in), Bob (logged in), an anonymous visitor (IP and user agent) and an event without any identity,
    /// on 06-18 (its salt destroyed by 06-20), 06-19 and 06-20 (salts still there). Every day is then aggregated, so
    /// the dirty marks afterwards are the erasure's. 06-01 was aggregated and its raw events purged long ago.
    /// </summary>
    private static async Task<IngestionHarness> IngestThreeDaysAsync(TestStore store)
    {
        var ingestion = new IngestionHarness(store, now: At(18, 9));
        await ingestion.IngestAsync(
            TestEvents.View("rec-1", At(18, 8), userId: "alice"),
            TestEvents.View("rec-2", At(18, 8, 5), userId: "alice", sessionId: "s-1"),
            TestEvents.View("rec-1", At(18, 8, 10), userId: "bob"),
            TestEvents.View("rec-1", At(18, 8, 15)),
            TestEvents.View("rec-1", At(18, 8, 20), ip: null, userAgent: null));
        ingestion.Clock.SetUtcNow(At(20, 9));
        await ingestion.IngestAsync(
            TestEvents.Download("rec-1", "data.csv", At(19, 14), userId: "alice", sessionId: "s-2"),
            TestEvents.Download("rec-1", "data.csv", At(19, 14), userId: "bob"),
            // Just after midnight: it can close a double-click of 06-19, so erasing it changes 06-19 too.
            TestEvents.View("rec-1", At(20, 0, 0, 10), userId: "alice"),
            TestEvents.View("rec-3", At(20, 8), userId: "alice"),
            TestEvents.View("rec-3", At(20, 8, 1)));
        Assert.Equal([June(18)], await ingestion.Salts.DestroyExpiredAsync(Cancellation));
        await using var context = store.CreateContext();
        // No aggregator on this branch: the days are marked aggregated directly.
        await FakeAggregation.MarkAggregatedAsync(context, At(20, 9).UtcDateTime, June(1), June(18), June(19), June(20));
        await context.AggregatedDays.Where(d => d.Day == June(1)).ExecuteUpdateAsync(u => u.SetProperty(d => d.RawEventsPurgedAt, At(20, 9).UtcDateTime), Cancellation);
        return ingestion;
    }

    private static async Task<Dictionary<DateOnly, int>> EventsPerDayAsync(TestStore store)
    {
        await using var context = store.CreateContext();
        var timestamps = await context.RawEvents.Select(e => e.Timestamp).ToListAsync(Cancellation);
        return timestamps.GroupBy(DateOnly.FromDateTime).ToDictionary(g => g.Key, g => g.Count());
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task DeletesExactlyTheUsersEventsOnTheDaysThatStillHaveASalt(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = await IngestThreeDaysAsync(store);

        var result = await new UserErasure(store.Contexts, ingestion.Clock).EraseAsync("alice", dryRun: false, Cancellation);

        Assert.False(result.DryRun);
        Assert.Equal([new ErasedDay(June(19), 1), new ErasedDay(June(20), 2)], result.DaysSearched);
        Assert.Equal([June(18)], result.DaysNotSearchable);
        Assert.Equal(3, result.Events);
        // 06-18 keeps all five (its hashes are beyond reach); 06-19 keeps Bob's; 06-20 keeps the anonymous view.
        Assert.Equal(new Dictionary<DateOnly, int> { [June(18)] = 5, [June(19)] = 1, [June(20)] = 1 }, await EventsPerDayAsync(store));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task MarksTheDaysItChangedForReaggregation(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = await IngestThreeDaysAsync(store);

        await new UserErasure(store.Contexts, ingestion.Clock).EraseAsync("alice", dryRun: false, Cancellation);

        await using var context = store.CreateContext();
        var dirty = await context.DirtyDays.OrderBy(d => d.Day).ToListAsync(Cancellation);
        // 06-19: its own deleted download, then marked again (no events of its own) for the view just after midnight of 06-20.
        Assert.Equal([(June(19), 1L, 2L), (June(20), 2L, 1L)], dirty.Select(d => (d.Day, d.PendingEvents, d.Version)));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ADryRunCountsTheSameEventsAndChangesNothing(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = await IngestThreeDaysAsync(store);
        var erasure = new UserErasure(store.Contexts, ingestion.Clock);

        var plan = await erasure.EraseAsync("alice", dryRun: true, Cancellation);

        Assert.True(plan.DryRun);
        Assert.Equal([new ErasedDay(June(19), 1), new ErasedDay(June(20), 2)], plan.DaysSearched);
        Assert.Equal([June(18)], plan.DaysNotSearchable);
        Assert.Equal(10, (await EventsPerDayAsync(store)).Values.Sum());
        await using (var context = store.CreateContext())
        {
            Assert.False(await context.DirtyDays.AnyAsync(Cancellation));
        }

        var done = await erasure.EraseAsync("alice", dryRun: false, Cancellation);
        Assert.Equal(plan.DaysSearched, done.DaysSearched);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AUserWithoutEventsDeletesNothingAndMarksNothing(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = await IngestThreeDaysAsync(store);

        var result = await new UserErasure(store.Contexts, ingestion.Clock).EraseAsync("carol", dryRun: false, Cancellation);

        Assert.Equal([new ErasedDay(June(19), 0), new ErasedDay(June(20), 0)], result.DaysSearched);
        Assert.Equal(10, (await EventsPerDayAsync(store)).Values.Sum());
        await using var context = store.CreateContext();
        Assert.False(await context.DirtyDays.AnyAsync(Cancellation));
    }
}
