using Microsoft.Extensions.Time.Testing;
using Stats.Core.Aggregation;
using Stats.Core.Data;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Aggregation;

public sealed class PipelineMonitorTests
{
    private static readonly DateTimeOffset s_noon = new(2024, 6, 15, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static PipelineMonitor Monitor(TestStore store, FakeTimeProvider clock) => new(store.Contexts, clock, new AggregationMetrics(new TestMeterFactory()));

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task TheBacklogSaysHowManyDaysAndEventsWaitAndSinceWhen(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        var markedAt = ingestion.Clock.GetUtcNow();
        await ingestion.IngestAsync(TestEvents.View("rec-1", s_noon), TestEvents.View("rec-1", s_noon.AddHours(1), ip: "8.8.4.4"));
        await ingestion.IngestAsync(TestEvents.View("rec-1", s_noon.AddDays(-3)));
        ingestion.Clock.Advance(TimeSpan.FromMinutes(10));

        var status = await Monitor(store, ingestion.Clock).GetStatusAsync(Cancellation);

        Assert.Equal(new Backlog(2, 3, new DateOnly(2024, 6, 12), markedAt.UtcDateTime, TimeSpan.FromMinutes(10)), status.Backlog);
        Assert.Null(status.LastRun);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AFailedRunIsVisibleUntilASuccessfulOneFollows(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync(TestEvents.View("rec-1", s_noon));
        await using (var context = store.CreateContext())
        {
            context.AggregationRuns.Add(new AggregationRun
            {
                Holder = "elsewhere/1", StartedAt = s_noon.UtcDateTime, FinishedAt = s_noon.UtcDateTime.AddSeconds(2), DaysProcessed = 0, Error = "TimeoutException: the store did not answer",
            });
            await context.SaveChangesAsync(Cancellation);
        }

        var failed = await Monitor(store, ingestion.Clock).GetStatusAsync(Cancellation);
        Assert.Equal("TimeoutException: the store did not answer", failed.LastRun?.Error);
        Assert.Null(failed.LastSuccess);

        ingestion.Clock.Advance(TimeSpan.FromMinutes(1));
        await ingestion.AggregateAsync();
        var recovered = await Monitor(store, ingestion.Clock).GetStatusAsync(Cancellation);

        Assert.Null(recovered.LastRun?.Error);
        Assert.Equal(recovered.LastRun, recovered.LastSuccess);
        Assert.Equal(1, recovered.LastSuccess?.Days);
        Assert.Equal("TimeoutException: the store did not answer", recovered.LastFailure?.Error);
        Assert.Equal(0, recovered.Backlog.Days);
        Assert.Equal(1, recovered.AggregatedDays);
    }
}
