using Microsoft.Extensions.Time.Testing;
using Stats.Core.Access;
using Stats.Core.Aggregation;
using Stats.Core.Data;
using Stats.Core.Import;
using Stats.Core.Queries;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Queries;

public sealed class SetupProgressTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory, MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AFreshStoreHasNoIngestKeyAndNoEvent(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        using var meters = new TestMeterFactory();
        var progress = Progress(store, new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T12:00:00Z")), meters);

        var state = await progress.GetAsync(Cancellation);

        Assert.Equal(0, state.IngestKeys);
        Assert.Null(state.LastEventAt);
        Assert.Empty(state.Imports);
        Assert.Null(state.Pipeline.LastRun);
    }

    [Theory, MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task OnlyIngestKeysThatAreNotRevokedCountAndTheNewestEventGivesTheLastEventTime(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        using var meters = new TestMeterFactory();
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T12:00:00Z"));
        var keys = new ApiKeyService(store.Contexts, clock);
        await keys.CreateAsync("zenodo", [ApiScopes.Ingest], Cancellation);
        await keys.CreateAsync("reader", [ApiScopes.Read], Cancellation);
        var (revoked, _) = await keys.CreateAsync("old", [ApiScopes.Ingest], Cancellation);
        await keys.RevokeAsync(revoked.Prefix, Cancellation);
        await using (var context = store.CreateContext())
        {
            // Written past the writer, so the month's partition (PostgreSQL) is made here as the writer would make it.
            await RawEventPartitions.EnsureAsync(context, [new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc)], Cancellation);
            context.RawEvents.AddRange(
                new RawEvent { TypeId = 1, Timestamp = new DateTime(2026, 11, 24, 8, 30, 0, DateTimeKind.Utc) },
                new RawEvent { TypeId = 1, Timestamp = new DateTime(2026, 11, 25, 9, 15, 0, DateTimeKind.Utc) },
                new RawEvent { TypeId = 1, Timestamp = new DateTime(2026, 11, 20, 23, 0, 0, DateTimeKind.Utc) });
            await context.SaveChangesAsync(Cancellation);
        }

        var state = await Progress(store, clock, meters).GetAsync(Cancellation);

        Assert.Equal(1, state.IngestKeys);
        Assert.Equal(new DateTime(2026, 11, 25, 9, 15, 0, DateTimeKind.Utc), state.LastEventAt);
    }

    private static SetupProgress Progress(TestStore store, TimeProvider clock, TestMeterFactory meters) =>
        new(store.Contexts, new PipelineMonitor(store.Contexts, clock, new AggregationMetrics(meters)), new ApiKeyService(store.Contexts, clock), new ImportRuns(store.Contexts, clock));
}
