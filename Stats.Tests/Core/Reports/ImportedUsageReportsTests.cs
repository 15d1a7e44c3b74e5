using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Stats.Core.Access;
using Stats.Core.Data;
using Stats.Core.Import.Aggregates;
using Stats.Core.Reports;
using Stats.Core.Reports.Dsr;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Reports;

/// <summary>SUSHI and the dataset report leave imported daily aggregates out by default, and include them with a note when told.</summary>
public sealed class ImportedUsageReportsTests
{
    private static readonly DateTimeOffset s_julyTenth = new(2024, 7, 10, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_mayNoon = new(2024, 5, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly s_may = new(2024, 5, 1);

    private static readonly StatsViewer s_harvester = new(true, null, "harvester", IsAdmin: false, new HashSet<string>(StringComparer.Ordinal));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task SushiLeavesImportedUsageOutByDefault(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = await SeedAsync(store);

        var result = await ItemReportAsync(store, new SushiOptions());

        // rec-1's one raw view only; rec-2 has imported views alone and no line.
        var line = Assert.Single(result.Lines);
        Assert.Equal("rec-1", line.Item!.Recid);
        Assert.Equal(1, line.Metrics["Total_Item_Investigations"]["2024-05"]);
        Assert.DoesNotContain(result.Exceptions, e => e.Code == 0);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task SushiIncludesImportedUsageAsRegularWithANoteNamingItsMonthsWhenConfigured(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = await SeedAsync(store);
        var options = new SushiOptions { IncludeImportedUsage = true };

        var result = await ItemReportAsync(store, options);

        var lines = result.Lines.ToDictionary(l => l.Item!.Recid);
        // rec-1: 1 raw view on May 15 + 10 imported on May 16; rec-2: 5 imported.
        Assert.Equal(1 + 10, lines["rec-1"].Metrics["Total_Item_Investigations"]["2024-05"]);
        Assert.Equal(1 + 8, lines["rec-1"].Metrics["Unique_Item_Investigations"]["2024-05"]);
        Assert.Equal(5, lines["rec-2"].Metrics["Total_Item_Investigations"]["2024-05"]);
        var note = Assert.Single(result.Exceptions, e => e.Code == 0);
        Assert.Contains("2024-05", note.Data, StringComparison.Ordinal);
        Assert.Empty(CounterSchema.Errors("IR", CounterJson.Report(result, options)));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task TheDatasetReportFollowsTheSameSetting(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = await SeedAsync(store);

        var without = await Dsr(ingestion, new SushiOptions()).BuildAsync(s_may, s_may, StatsViewer.Anonymous, Cancellation);
        var with = await Dsr(ingestion, new SushiOptions { IncludeImportedUsage = true }).BuildAsync(s_may, s_may, StatsViewer.Anonymous, Cancellation);

        Assert.Equal(["rec-1"], without.ReportDatasets.Select(d => d.DatasetId[0].Value));
        Assert.Equal(1, Investigations(without, "rec-1"));
        Assert.DoesNotContain(without.Exceptions, e => e.Code == 0);
        Assert.Equal(["rec-1", "rec-2"], with.ReportDatasets.Select(d => d.DatasetId[0].Value));
        Assert.Equal(1 + 10, Investigations(with, "rec-1"));
        Assert.Equal(5, Investigations(with, "rec-2"));
        Assert.Contains("2024-05", Assert.Single(with.Exceptions, e => e.Code == 0).Data, StringComparison.Ordinal);
    }

    /// <summary>rec-1: one raw view on May 15 and 10 imported views (8 unique) on May 16; rec-2: 5 imported views on May 20.</summary>
    private static async Task<IngestionHarness> SeedAsync(TestStore store)
    {
        var ingestion = new IngestionHarness(store, s_julyTenth);
        await ingestion.IngestAsync(
            TestEvents.Published("rec-1", s_mayNoon.AddDays(-30)),
            TestEvents.Published("rec-2", s_mayNoon.AddDays(-30)),
            TestEvents.View("rec-1", s_mayNoon, sessionId: "s-1"));
        await ingestion.AggregateAsync();
        var dump = new MemoryStream(Encoding.UTF8.GetBytes(
            """
            {"timestamp":"2024-05-16T00:00:00","count":10,"unique_count":8,"recid":"rec-1","unique_id":"ui_rec-1"}
            {"timestamp":"2024-05-20T00:00:00","count":5,"unique_count":5,"recid":"rec-2","unique_id":"ui_rec-2"}
            """));
        var report = await new AggregateImporter(store.Contexts, ingestion.Clock).ImportInvenioAsync(dump, "views.ndjson", cancellationToken: Cancellation);
        Assert.Equal(2, report.Imported);
        return ingestion;
    }

    private static Task<CounterReportResult> ItemReportAsync(TestStore store, SushiOptions options)
    {
        var service = new CounterReportService(store.Contexts, Options.Create(options), new FakeTimeProvider(s_julyTenth), new AccessPolicy(store.Contexts, null));
        var query = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["customer_id"] = SushiOptions.WorldCustomerId,
            ["begin_date"] = "2024-05",
            ["end_date"] = "2024-05",
        };
        return service.BuildAsync(ReportRequest.Parse(CounterReport.IR, query, options), s_harvester, Cancellation);
    }

    private static DatasetReportBuilder Dsr(IngestionHarness ingestion, SushiOptions options) =>
        new(ingestion.Store.Contexts, ingestion.Clock, Options.Create(new DsrOptions()), Options.Create(options), new AccessPolicy(ingestion.Store.Contexts, null));

    private static long Investigations(DatasetReport report, string recid) =>
        Assert.Single(report.ReportDatasets, d => d.DatasetId[0].Value == recid).Performance.Single().Instance
            .Single(i => i.MetricType == "total-dataset-investigations" && i.AccessMethod == "regular").Count;
}
