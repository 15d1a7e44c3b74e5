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
    private static readonly DailyTypeCount[] s_expectedWindow =
    [
        new(new DateOnly(2024, 6, 10), EventCatalog.FileDownload, 1),
        new(new DateOnly(2024, 6, 10), EventCatalog.RecordView, 2),
        new(new DateOnly(2024, 6, 11), EventCatalog.LoanCreated, 1),
        new(new DateOnly(2024, 6, 11), EventCatalog.RecordView, 2),
        new(new DateOnly(2024, 6, 12), EventCatalog.RecordView, 1),
    ];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task CountsPerTypeComeFromTheAggregatesOfEachUtcDayOfTheWindow(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await IngestWeekAsync(store);
        await using var context = store.CreateContext();

        var counts = await OverviewQueries.CountsPerTypePerDayAsync(context, new DateOnly(2024, 6, 10), new DateOnly(2024, 6, 12), Cancellation);

        Assert.Equal(s_expectedWindow, counts);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task TypesAddedByConfigurationShowUnderTheirNames(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store, types: new EventTypeOptions { Types = [new CustomEventType { Name = "page-printed" }] });
        var at = new DateTimeOffset(2024, 6, 11, 10, 0, 0, TimeSpan.Zero);
        await ingestion.IngestAsync(
            new IncomingEvent { Type = "page-printed", Timestamp = at },
            new IncomingEvent { Type = "page-printed", Timestamp = at.AddHours(1) },
            TestEvents.View("ov-1", at));
        await ingestion.AggregateAsync();
        await using var context = store.CreateContext();

        var counts = await OverviewQueries.CountsPerTypePerDayAsync(context, new DateOnly(2024, 6, 10), new DateOnly(2024, 6, 12), Cancellation);

        Assert.Equal([new(new DateOnly(2024, 6, 11), "page-printed", 2), new(new DateOnly(2024, 6, 11), EventCatalog.RecordView, 1)], counts);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task EventsNotAggregatedYetDoNotShow(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync(TestEvents.View("rec-1", new DateTimeOffset(2024, 6, 12, 8, 0, 0, TimeSpan.Zero)));
        var queries = new OverviewQueries(store.Contexts, new FakeTimeProvider(new DateTimeOffset(2024, 6, 12, 15, 0, 0, TimeSpan.Zero)));

        var before = await queries.GetSummaryAsync(3, Cancellation);
        await ingestion.AggregateAsync();
        var after = await queries.GetSummaryAsync(3, Cancellation);

        Assert.Empty(before.Counts);
        Assert.Equal(0, before.TotalEvents);
        Assert.Equal([new DailyTypeCount(new DateOnly(2024, 6, 12), EventCatalog.RecordView, 1)], after.Counts);
        Assert.Equal(1, after.TotalEvents);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task SummaryCoversTheLastDaysUpToTodayAndTheLiveCatalog(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await IngestWeekAsync(store);
        var queries = new OverviewQueries(store.Contexts, new FakeTimeProvider(new DateTimeOffset(2024, 6, 12, 15, 0, 0, TimeSpan.Zero)));

        var summary = await queries.GetSummaryAsync(3, Cancellation);

        Assert.Equal((new DateOnly(2024, 6, 10), new DateOnly(2024, 6, 12)), (summary.From, summary.To));
        Assert.Equal(s_expectedWindow, summary.Counts);
        Assert.Equal([EventCatalog.RecordView, EventCatalog.FileDownload, EventCatalog.LoanCreated], summary.Types);
        Assert.Equal(12, summary.TotalEvents);
        Assert.Equal(1, summary.Records);
        Assert.Equal(2, summary.Communities);
    }

    private static async Task IngestWeekAsync(TestStore store)
    {
        await using var ingestion = new IngestionHarness(store);
        static DateTimeOffset Utc(int day, int hour, int minute = 0, int second = 0) => new(2024, 6, day, hour, minute, second, TimeSpan.Zero);
        var result = await ingestion.IngestAsync(
            TestEvents.Published("rec-1", Utc(1, 9), communities: ["hep", "climate"]),
            TestEvents.Published("rec-gone", Utc(1, 9)),
            TestEvents.Lifecycle(EventCatalog.RecordDeleted, "rec-gone", Utc(2, 9)),
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
