using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stats.Core.Data;
using Stats.Core.Retention;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Retention;

public sealed class RawEventPurgeServiceTests
{
    // The harness's clock says 2024-06-20 09:00; with 10 days kept, the horizon is 2024-06-10.
    private static readonly RetentionOptions s_tenDays = new() { RawEventMaxAgeDays = 10, PurgeInterval = TimeSpan.FromHours(1) };

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static DateOnly June(int day) => new(2024, 6, day);

    /// <summary>Three views on 06-05, aggregated; one on 06-15.</summary>
    private static async Task IngestAggregatedOldDayAsync(TestStore store, IngestionHarness ingestion)
    {
        var at = new DateTimeOffset(2024, 6, 5, 12, 0, 0, TimeSpan.Zero);
        await ingestion.IngestAsync(
            TestEvents.View("rec-1", at), TestEvents.View("rec-2", at), TestEvents.View("rec-3", at),
            TestEvents.View("rec-1", at.AddDays(10)));
        await using var context = store.CreateContext();
        // No aggregator on this branch: the day is marked aggregated directly.
        await FakeAggregation.MarkAggregatedAsync(context, at.AddDays(1).UtcDateTime, June(5));
    }

    private static async Task<int> StoredEventsAsync(TestStore store)
    {
        await using var context = store.CreateContext();
        return await context.RawEvents.CountAsync(Cancellation);
    }

    /// <summary>Waits for the service's background work, not for time to pass: the fake clock only moves when told.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, $"Timed out waiting until {what}.");
            await Task.Delay(20, Cancellation);
        }
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task PurgesAtStartAndLogsWhatItDeleted(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await IngestAggregatedOldDayAsync(store, ingestion);
        var logs = new LogCollector();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        using var service = new RawEventPurgeService(
            new RawEventPurger(store.Contexts, Options.Create(s_tenDays), ingestion.Clock), Options.Create(s_tenDays), ingestion.Clock, loggers.CreateLogger<RawEventPurgeService>());

        await service.StartAsync(Cancellation);
        await WaitUntilAsync(async () => await StoredEventsAsync(store) == 1, "the aggregated day is purged");
        await service.StopAsync(Cancellation);

        Assert.Contains(logs.Lines, l => l.Contains("Retention deleted 3 raw events of 1 aggregated day(s) before 2024-06-10.", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AFailedRunIsLoggedAndTheNextRunPurges(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider, migrate: false);
        var logs = new LogCollector();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        await using var ingestion = new IngestionHarness(store);
        using var service = new RawEventPurgeService(
            new RawEventPurger(store.Contexts, Options.Create(s_tenDays), ingestion.Clock), Options.Create(s_tenDays), ingestion.Clock, loggers.CreateLogger<RawEventPurgeService>());

        await service.StartAsync(Cancellation);
        // The store has no schema yet: the first run fails, and the service says so and lives on.
        await WaitUntilAsync(() => Task.FromResult(logs.Lines.Any(l => l.Contains("Raw events could not be purged this time", StringComparison.Ordinal))), "the failure is logged");
        Assert.False(service.ExecuteTask!.IsCompleted);
        await store.Migrator().MigrateAsync(Cancellation);
        await IngestAggregatedOldDayAsync(store, ingestion);
        ingestion.Clock.Advance(s_tenDays.PurgeInterval);
        await WaitUntilAsync(async () => await StoredEventsAsync(store) == 1, "the next run purges");
        await service.StopAsync(Cancellation);
    }

    [Fact]
    public async Task WithRetentionOffItSaysSoAndStops()
    {
        var logs = new LogCollector();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        var off = Options.Create(new RetentionOptions { RawEventMaxAgeDays = 0 });
        var clock = TimeProvider.System;
        using var service = new RawEventPurgeService(
            new RawEventPurger(new StatsDbContextFactory(DatabaseProvider.Sqlite, "Data Source=unused.db"), off, clock), off, clock, loggers.CreateLogger<RawEventPurgeService>());

        await service.StartAsync(Cancellation);
        await service.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30), Cancellation);

        Assert.Contains(logs.Lines, l => l.Contains("Retention is off (Stats:Retention:RawEventMaxAgeDays is 0): raw events are kept forever.", StringComparison.Ordinal));
    }
}
