using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stats.Core.Data;
using Stats.Core.Retention;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Retention;

/// <summary>Retention and erasure on PostgreSQL's monthly partitions of raw events (ADR-017), with the real aggregator.</summary>
public sealed class PartitionRetentionTests
{
    // The harness's clock says 2024-06-20 09:00; with 10 days kept, the horizon is 2024-06-10: April and May are past it
    // whole, June only up to 06-09.
    private static readonly RetentionOptions s_tenDays = new() { RawEventMaxAgeDays = 10 };

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static DateTimeOffset At(int month, int day, int hour = 12, int minute = 0) => new(2024, month, day, hour, minute, 0, TimeSpan.Zero);

    private static DateOnly Day(int month, int day) => new(2024, month, day);

    private static RawEventPurger Purger(TestStore store, IngestionHarness ingestion) => new(store.Contexts, Options.Create(s_tenDays), ingestion.Clock);

    /// <summary>04-10: 2 views, 04-20: 1, 05-31 just before midnight: 1, 06-05: 1, 06-15: 1; every day aggregated.</summary>
    private static async Task IngestAndAggregateAsync(IngestionHarness ingestion)
    {
        await ingestion.IngestAsync(
            TestEvents.View("rec-1", At(4, 10, 9)), TestEvents.View("rec-2", At(4, 10, 10)),
            TestEvents.View("rec-1", At(4, 20)),
            TestEvents.Download("rec-1", "data.csv", At(5, 31, 23, 59)),
            TestEvents.View("rec-2", At(6, 5)),
            TestEvents.View("rec-1", At(6, 15)));
        await ingestion.AggregateAsync();
    }

    private static async Task<Dictionary<DateOnly, int>> EventsPerDayAsync(TestStore store)
    {
        await using var context = store.CreateContext();
        var timestamps = await context.RawEvents.Select(e => e.Timestamp).ToListAsync(Cancellation);
        return timestamps.GroupBy(DateOnly.FromDateTime).ToDictionary(g => g.Key, g => g.Count());
    }

    private static async Task<IReadOnlyList<DateOnly>> PartitionsAsync(TestStore store)
    {
        await using var context = store.CreateContext();
        return await RawEventPartitions.ListAsync(context, Cancellation);
    }

    private static async Task<List<string>> AggregatesAsync(TestStore store)
    {
        await using var context = store.CreateContext();
        var usage = await context.UsageDailyStats.AsNoTracking().ToListAsync(Cancellation);
        return [.. usage.Select(u => $"{u.Day} {u.Scope} {u.ScopeId} {u.Views} {u.Downloads}").Order()];
    }

    [Fact]
    public async Task MonthsPastTheHorizonAreDroppedWholeAndTheirAggregatesStay()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.PostgreSql);
        await using var ingestion = new IngestionHarness(store);
        await IngestAndAggregateAsync(ingestion);
        var aggregates = await AggregatesAsync(store);
        Assert.NotEmpty(aggregates);

        var result = await Purger(store, ingestion).PurgeAsync(dryRun: false, Cancellation);

        // April and May go with their partitions; 06-05 is deleted row by row, as on every provider.
        Assert.Equal([new PurgedDay(Day(4, 10), 2), new PurgedDay(Day(4, 20), 1), new PurgedDay(Day(5, 31), 1), new PurgedDay(Day(6, 5), 1)], result.Days);
        Assert.Equal([new DateOnly(2024, 6, 1)], await PartitionsAsync(store));
        Assert.Equal(new Dictionary<DateOnly, int> { [Day(6, 15)] = 1 }, await EventsPerDayAsync(store));
        Assert.Equal(aggregates, await AggregatesAsync(store));
        await using var context = store.CreateContext();
        var now = ingestion.Clock.GetUtcNow().UtcDateTime;
        var purgedAt = await context.AggregatedDays.OrderBy(d => d.Day).Select(d => new { d.Day, d.RawEventsPurgedAt }).ToListAsync(Cancellation);
        Assert.Equal(
            [(Day(4, 10), (DateTime?)now), (Day(4, 20), now), (Day(5, 31), now), (Day(6, 5), now), (Day(6, 15), null)],
            purgedAt.Select(d => (d.Day, d.RawEventsPurgedAt)));

        // The aggregator leaves purged days alone: aggregating again changes nothing.
        await ingestion.AggregateAsync();
        Assert.Equal(aggregates, await AggregatesAsync(store));
    }

    [Fact]
    public async Task AMonthWithADayWaitingForTheAggregatorKeepsItsPartitionAndLosesOnlyItsAggregatedDays()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.PostgreSql);
        await using var ingestion = new IngestionHarness(store);
        await IngestAndAggregateAsync(ingestion);
        // An import brings one more April day after the aggregation.
        await ingestion.IngestAsync(TestEvents.View("rec-3", At(4, 12)));

        var result = await Purger(store, ingestion).PurgeAsync(dryRun: false, Cancellation);

        Assert.Equal([new PurgedDay(Day(4, 10), 2), new PurgedDay(Day(4, 20), 1), new PurgedDay(Day(5, 31), 1), new PurgedDay(Day(6, 5), 1)], result.Days);
        Assert.Equal([Day(4, 12)], result.NotAggregated);
        Assert.Equal([new DateOnly(2024, 4, 1), new DateOnly(2024, 6, 1)], await PartitionsAsync(store));
        Assert.Equal(new Dictionary<DateOnly, int> { [Day(4, 12)] = 1, [Day(6, 15)] = 1 }, await EventsPerDayAsync(store));

        // Once aggregated, the month goes whole on the next run.
        await ingestion.AggregateAsync();
        var next = await Purger(store, ingestion).PurgeAsync(dryRun: false, Cancellation);
        Assert.Equal([new PurgedDay(Day(4, 12), 1)], next.Days);
        Assert.Equal([new DateOnly(2024, 6, 1)], await PartitionsAsync(store));
    }

    [Fact]
    public async Task AnEraseDeletesTheUsersEventsInEveryPartitionThatHasThem()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.PostgreSql);
        // 07-01 09:00: the salts of 06-30 and 07-01 are both still there, and the two days are in two partitions.
        await using var ingestion = new IngestionHarness(store, now: At(7, 1, 9));
        await ingestion.IngestAsync(
            TestEvents.View("rec-1", At(6, 30, 22), userId: "alice"),
            TestEvents.View("rec-1", At(6, 30, 22, 5), userId: "bob"),
            TestEvents.View("rec-2", At(7, 1, 8), userId: "alice"),
            TestEvents.View("rec-2", At(7, 1, 8, 1)));
        Assert.Equal([new DateOnly(2024, 6, 1), new DateOnly(2024, 7, 1)], await PartitionsAsync(store));

        var result = await new UserErasure(store.Contexts, ingestion.Clock).EraseAsync("alice", dryRun: false, Cancellation);

        Assert.Equal([new ErasedDay(Day(6, 30), 1), new ErasedDay(Day(7, 1), 1)], result.DaysSearched);
        Assert.Equal(new Dictionary<DateOnly, int> { [Day(6, 30)] = 1, [Day(7, 1)] = 1 }, await EventsPerDayAsync(store));
    }
}
