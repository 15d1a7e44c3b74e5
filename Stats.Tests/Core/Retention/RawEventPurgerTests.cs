using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stats.Core.Data;
using Stats.Core.Retention;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Retention;

public sealed class RawEventPurgerTests
{
    // The harness's clock says 2024-06-20 09:00; with 10 days kept, the horizon is 2024-06-10: days up to 06-09 may go.
    private static readonly RetentionOptions s_tenDays = new() { RawEventMaxAgeDays = 10 };

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static DateTimeOffset At(int day, int hour = 12, int minute = 0) => new(2024, 6, day, hour, minute, 0, TimeSpan.Zero);

    private static DateOnly June(int day) => new(2024, 6, day);

    private static RawEventPurger Purger(TestStore store, IngestionHarness ingestion, RetentionOptions options) =>
        new(store.Contexts, Options.Create(options), ingestion.Clock);

    /// <summary>
    /// 06-05: 3 events, aggregated. 06-06: 2, never aggregated. 06-07: 2, aggregated then changed (dirty again).
    /// 06-09: 2, aggregated (the last day before the horizon). 06-10: 1, aggregated (the horizon day itself).
    /// </summary>
    private static async Task IngestFiveDaysAsync(TestStore store, IngestionHarness ingestion)
    {
        await ingestion.IngestAsync(
            TestEvents.View("rec-1", At(5, 9)), TestEvents.View("rec-1", At(5, 10)), TestEvents.Download("rec-1", "data.csv", At(5, 11)),
            TestEvents.View("rec-1", At(6)), TestEvents.View("rec-2", At(6)),
            TestEvents.View("rec-1", At(9, 8)), TestEvents.View("rec-2", At(9, 23, 59)),
            TestEvents.View("rec-1", At(10, 13)));
        await using var context = store.CreateContext();
        // No aggregator on this branch: the days are marked aggregated directly.
        await FakeAggregation.MarkAggregatedAsync(context, At(20, 1).UtcDateTime, June(5), June(7), June(9), June(10));
        await ingestion.IngestAsync(TestEvents.View("rec-1", At(7, 10)), TestEvents.View("rec-3", At(7, 11)));
    }

    private static async Task<Dictionary<DateOnly, int>> EventsPerDayAsync(TestStore store)
    {
        await using var context = store.CreateContext();
        var timestamps = await context.RawEvents.Select(e => e.Timestamp).ToListAsync(Cancellation);
        return timestamps.GroupBy(DateOnly.FromDateTime).ToDictionary(g => g.Key, g => g.Count());
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task DeletesOnlyAggregatedUnchangedDaysBeforeTheHorizon(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await IngestFiveDaysAsync(store, ingestion);

        var result = await Purger(store, ingestion, s_tenDays).PurgeAsync(dryRun: false, Cancellation);

        Assert.Equal(June(10), result.Horizon);
        Assert.Equal([new PurgedDay(June(5), 3), new PurgedDay(June(9), 2)], result.Days);
        Assert.Equal([June(6), June(7)], result.NotAggregated);
        Assert.Equal(5, result.Events);
        Assert.Equal(new Dictionary<DateOnly, int> { [June(6)] = 2, [June(7)] = 2, [June(10)] = 1 }, await EventsPerDayAsync(store));
        await using var context = store.CreateContext();
        var purgedAt = await context.AggregatedDays.OrderBy(d => d.Day).Select(d => new { d.Day, d.RawEventsPurgedAt }).ToListAsync(Cancellation);
        var now = ingestion.Clock.GetUtcNow().UtcDateTime;
        Assert.Equal([(June(5), (DateTime?)now), (June(7), null), (June(9), now), (June(10), null)], purgedAt.Select(d => (d.Day, d.RawEventsPurgedAt)));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task LeavesAggregatesAlone(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await IngestFiveDaysAsync(store, ingestion);
        await using (var context = store.CreateContext())
        {
            context.UsageDailyStats.Add(new UsageDailyStat { Day = June(5), Scope = StatScope.Repository, Views = 2, Downloads = 1, Investigations = 3 });
            await context.SaveChangesAsync(Cancellation);
        }

        await Purger(store, ingestion, s_tenDays).PurgeAsync(dryRun: false, Cancellation);

        await using var after = store.CreateContext();
        var stat = await after.UsageDailyStats.SingleAsync(Cancellation);
        Assert.Equal((June(5), 2, 1, 3), (stat.Day, stat.Views, stat.Downloads, stat.Investigations));
        Assert.Equal(4, await after.AggregatedDays.CountAsync(Cancellation));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ZeroDaysKeepsRawEventsForever(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await IngestFiveDaysAsync(store, ingestion);

        var result = await Purger(store, ingestion, new RetentionOptions { RawEventMaxAgeDays = 0 }).PurgeAsync(dryRun: false, Cancellation);

        Assert.Null(result.Horizon);
        Assert.Empty(result.Days);
        Assert.Equal(10, (await EventsPerDayAsync(store)).Values.Sum());
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ADayOfMoreEventsThanOneBatchIsDeletedWhole(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        // 11 events in batches of 3: 6 at distinct minutes, then 5 at one instant (more than a batch: taken whole).
        await ingestion.IngestAsync([
            .. Enumerable.Range(0, 6).Select(i => TestEvents.View($"rec-{i}", At(3, 10, i))),
            .. Enumerable.Range(0, 5).Select(i => TestEvents.View($"rec-{i}", At(3, 11))),
        ]);
        await ingestion.IngestAsync(TestEvents.View("rec-1", At(4)));
        await using (var context = store.CreateContext())
        {
            // No aggregator on this branch: the days are marked aggregated directly.
            await FakeAggregation.MarkAggregatedAsync(context, At(20, 1).UtcDateTime, June(3), June(4));
        }

        var result = await Purger(store, ingestion, new RetentionOptions { RawEventMaxAgeDays = 10, PurgeBatchSize = 3 }).PurgeAsync(dryRun: false, Cancellation);

        Assert.Equal([new PurgedDay(June(3), 11), new PurgedDay(June(4), 1)], result.Days);
        Assert.Empty(await EventsPerDayAsync(store));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ADryRunDeletesNothingAndPlansWhatThePurgeThenDoes(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await IngestFiveDaysAsync(store, ingestion);
        var purger = Purger(store, ingestion, s_tenDays);

        var plan = await purger.PurgeAsync(dryRun: true, Cancellation);

        Assert.True(plan.DryRun);
        Assert.Equal([new PurgedDay(June(5), 3), new PurgedDay(June(9), 2)], plan.Days);
        Assert.Equal([June(6), June(7)], plan.NotAggregated);
        Assert.Equal(10, (await EventsPerDayAsync(store)).Values.Sum());
        await using (var context = store.CreateContext())
        {
            Assert.False(await context.AggregatedDays.AnyAsync(d => d.RawEventsPurgedAt != null, Cancellation));
        }

        var done = await purger.PurgeAsync(dryRun: false, Cancellation);
        Assert.Equal(plan.Days, done.Days);
        Assert.Equal(plan.NotAggregated, done.NotAggregated);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ADayAlreadyPurgedIsNotPurgedAgain(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await IngestFiveDaysAsync(store, ingestion);
        var purger = Purger(store, ingestion, s_tenDays);
        await purger.PurgeAsync(dryRun: false, Cancellation);
        var firstPurgeAt = ingestion.Clock.GetUtcNow().UtcDateTime;
        ingestion.Clock.Advance(TimeSpan.FromHours(1));

        var again = await purger.PurgeAsync(dryRun: false, Cancellation);

        Assert.Empty(again.Days);
        await using var context = store.CreateContext();
        Assert.Equal(firstPurgeAt, await context.AggregatedDays.Where(d => d.Day == June(5)).Select(d => d.RawEventsPurgedAt).SingleAsync(Cancellation));
    }
}
