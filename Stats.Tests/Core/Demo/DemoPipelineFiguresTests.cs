using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stats.Core.Aggregation;
using Stats.Core.Data;
using Stats.Core.Demo;
using Stats.Core.Events;
using Stats.Core.Retention;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Demo;

/// <summary>
/// Issue 20 item 7: "Days aggregated 759" for two years (730 days) of demo usage. The pipeline counts every UTC day with a raw
/// event of any type, and the demo publishes its records over the year before its usage starts: those publication days
/// come on top of the usage days. Checked against the raw events themselves, read apart from the aggregator.
/// </summary>
public sealed class DemoPipelineFiguresTests
{
    private const int UsageDays = 30;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DaysAggregatedAreTheDaysWithAnyRawEventSoTheDemosEarlierPublicationDaysComeOnTopOfItsUsageDays()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        // As `dotnet run` seeds it: raw events kept forever, so that no publication of the year before is rejected.
        var retention = new RetentionOptions { RawEventMaxAgeDays = 0 };
        await using var ingestion = new IngestionHarness(store, now: new DateTimeOffset(2024, 6, 20, 23, 55, 0, TimeSpan.Zero), retention: retention);
        var seeder = new DemoSeeder(ingestion.Ingestor, ShippedReferenceData.Countries, Options.Create(retention), ingestion.Clock, store.Contexts);
        var seeded = await seeder.SeedAsync(new DemoOptions { Days = UsageDays, Records = 60 }, Cancellation);
        await ingestion.AggregateAsync();

        var status = await new PipelineMonitor(store.Contexts, ingestion.Clock, new AggregationMetrics(new TestMeterFactory())).GetStatusAsync(Cancellation);

        await using var context = store.CreateContext();
        var usageTypes = await context.EventTypes.Where(t => t.Name == EventCatalog.RecordView || t.Name == EventCatalog.FileDownload).Select(t => t.Id).ToListAsync(Cancellation);
        var events = await context.RawEvents.Select(e => new { e.Timestamp, e.TypeId }).ToListAsync(Cancellation);
        var days = events.Select(e => DateOnly.FromDateTime(e.Timestamp)).ToHashSet();
        var usageDays = events.Where(e => usageTypes.Contains(e.TypeId)).Select(e => DateOnly.FromDateTime(e.Timestamp)).ToHashSet();
        var catalogOnlyDays = days.Count(d => d < usageDays.Min());
        Assert.Equal(UsageDays, usageDays.Count);
        Assert.True(catalogOnlyDays > 0, "the demo publishes records before its usage starts");
        Assert.Equal(days.Count, status.AggregatedDays);
        Assert.Equal(UsageDays + catalogOnlyDays, status.AggregatedDays);
        // One run read them all: its count of events is every raw event the demo wrote, robots and double-clicks included.
        Assert.Equal(days.Count, status.LastRun?.Days);
        Assert.Equal(seeded.Events, status.LastRun?.Events);
    }
}
