using Microsoft.Extensions.Logging.Abstractions;
using Stats.Core.Aggregation;
using Stats.Core.Data;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Aggregation;

public sealed class AggregateChangeTests
{
    private static readonly DateTimeOffset s_noon = new(2024, 6, 15, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheAggregatorPublishesTheDaysItRewroteAndNothingWhenNothingChanged()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        var published = new List<AggregatesChanged>();
        using var subscription = ingestion.Notifier.Subscribe(published.Add);
        await ingestion.IngestAsync(TestEvents.View("rec-1", s_noon), TestEvents.View("rec-1", s_noon.AddDays(-2)));

        await ingestion.AggregateAsync();
        await ingestion.AggregateAsync();

        var change = Assert.Single(published);
        Assert.Equal([new DateOnly(2024, 6, 13), new DateOnly(2024, 6, 15)], change.Days!.Order());
        Assert.True(change.Touches(new DateOnly(2024, 6, 14), new DateOnly(2024, 6, 20)));
        Assert.False(change.Touches(new DateOnly(2024, 6, 16), new DateOnly(2024, 6, 20)));
    }

    [Fact]
    public async Task AnotherInstancesRunIsPublishedHereByTheWatcherWithItsDaysButNotThisInstancesOwn()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        var here = ingestion.CreateAggregator();
        var published = new List<AggregatesChanged>();
        using var subscription = ingestion.Notifier.Subscribe(published.Add);
        using var watcher = new AggregateChangeWatcher(store.Contexts, here, ingestion.Notifier, ingestion.Clock, NullLogger<AggregateChangeWatcher>.Instance);
        var seen = await watcher.PollAsync(null, Cancellation);

        // This instance's own run: its runner has published it already, the watcher stays quiet.
        await ingestion.IngestAsync(TestEvents.View("rec-1", s_noon));
        Assert.Null((await here.RunAsync(Cancellation)).Error);
        published.Clear();
        seen = await watcher.PollAsync(seen, Cancellation);
        Assert.Empty(published);

        // Another instance's run ("elsewhere" is the harness's own aggregator, another holder).
        ingestion.Clock.Advance(TimeSpan.FromMinutes(1));
        await ingestion.IngestAsync(TestEvents.View("rec-1", s_noon.AddHours(1)));
        await ingestion.AggregateAsync();
        published.Clear();
        await watcher.PollAsync(seen, Cancellation);

        // The days it aggregated, read from the days' aggregation times: what a cache of sums needs to drop.
        var change = Assert.Single(published);
        Assert.Equal([new DateOnly(2024, 6, 15)], change.Days);
    }
}
