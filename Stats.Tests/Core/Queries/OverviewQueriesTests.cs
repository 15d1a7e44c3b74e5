using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Stats.Core.Data;
using Stats.Core.Events;
using Stats.Core.Ingestion;
using Stats.Core.Queries;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Queries;

public sealed class OverviewQueriesTests
{
    private static readonly FakeTimeProvider s_clock = new(new DateTimeOffset(2024, 6, 12, 15, 0, 0, TimeSpan.Zero));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static DateOnly June(int day) => new(2024, 6, day);

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ThePeriodAndThePreviousOneComeFromTheDailyAggregatesOfEachUtcDay(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await IngestWeekAsync(store);
        var queries = new OverviewQueries(store.Contexts, s_clock);

        var summary = await queries.GetSummaryAsync(new Period(June(10), June(12)), new Period(June(6), June(8)), Interval.Day, Cancellation);

        // Views: two on the 10th, two on the 11th (one at 01:30 +02:00), one on the 12th; the download on the 10th.
        Assert.Equal((5L, 1L, 0L), (summary.Totals.Views, summary.Totals.Downloads, summary.Totals.NewRecords));
        Assert.Equal([June(10), June(11), June(12)], summary.History.Select(b => b.Date));
        Assert.Equal([2L, 2L, 1L], summary.History.Select(b => b.Counts.Views));
        Assert.Equal([1L, 0L, 0L], summary.History.Select(b => b.Counts.Downloads));
        Assert.Equal(1, summary.PreviousTotals!.Views);
        Assert.Equal([0L, 0L, 1L], summary.PreviousHistory.Select(b => b.Counts.Views));
        Assert.Equal(13, summary.TotalEvents);
        Assert.False(summary.StoreIsEmpty);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task NewRecordsAreThePublicationsOfThePeriodAndBucketsFollowTheInterval(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await IngestWeekAsync(store);
        var queries = new OverviewQueries(store.Contexts, s_clock);

        var summary = await queries.GetSummaryAsync(new Period(June(1), June(8)), null, Interval.Month, Cancellation);

        // Both records published on the 1st count, the one deleted since included; the 8th's view is the period's only one.
        Assert.Equal(2, summary.Totals.NewRecords);
        var bucket = Assert.Single(summary.History);
        Assert.Equal((June(1), 1L, 2L), (bucket.Date, bucket.Counts.Views, bucket.Counts.NewRecords));
        Assert.Null(summary.PreviousTotals);
        Assert.Empty(summary.PreviousHistory);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task EventsNotAggregatedYetDoNotShow(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync(TestEvents.View("rec-1", new DateTimeOffset(2024, 6, 12, 8, 0, 0, TimeSpan.Zero)));
        var queries = new OverviewQueries(store.Contexts, s_clock);
        var period = new Period(June(10), June(12));

        var before = await queries.GetSummaryAsync(period, null, Interval.Day, Cancellation);
        await ingestion.AggregateAsync();
        var after = await queries.GetSummaryAsync(period, null, Interval.Day, Cancellation);

        Assert.True(before.StoreIsEmpty);
        Assert.Equal(0, before.Totals.Views);
        Assert.Equal(1, after.Totals.Views);
        Assert.Equal(1, after.TotalEvents);
        Assert.False(after.StoreIsEmpty);
    }

    private static async Task IngestWeekAsync(TestStore store)
    {
        await using var ingestion = new IngestionHarness(store);
        static DateTimeOffset Utc(int day, int hour, int minute = 0, int second = 0) => new(2024, 6, day, hour, minute, second, TimeSpan.Zero);
        var result = await ingestion.IngestAsync(
            TestEvents.Published("rec-1", Utc(1, 9), communities: ["hep", "climate"]),
            TestEvents.Published("rec-gone", Utc(1, 9)),
            TestEvents.Lifecycle(EventCatalog.RecordDeleted, "rec-gone", Utc(2, 9)),
            TestEvents.View("rec-1", Utc(8, 12)),
            TestEvents.View("rec-1", Utc(9, 23, 59, 59)),
            TestEvents.View("rec-1", Utc(10, 0)),
            TestEvents.View("rec-1", Utc(10, 12)),
            TestEvents.Download("rec-1", "data.csv", Utc(10, 23, 59, 59)),
            TestEvents.View("rec-1", Utc(11, 8)),
            new IncomingEvent { Type = EventCatalog.LoanCreated, Timestamp = Utc(11, 9), DocumentId = "doc-1", Location = "Annex" },
            // 01:30 at +02:00 is 23:30 UTC of the day before: it counts on the 11th.
            TestEvents.View("rec-1", new DateTimeOffset(2024, 6, 12, 1, 30, 0, TimeSpan.FromHours(2))),
            TestEvents.View("rec-1", new DateTimeOffset(2024, 6, 12, 10, 0, 0, TimeSpan.FromHours(2))),
            TestEvents.View("rec-1", Utc(13, 0)));
        Assert.Empty(result.Rejected);
        await ingestion.AggregateAsync();
    }
}
