using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;
using Stats.Core.Events;
using Stats.Core.Import;
using Stats.Core.Import.Aggregates;
using Stats.Core.Queries;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Import;

/// <summary>CSV tables from elsewhere, read by named mappings: daily-aggregate rows into the imported tables, event rows through ingestion.</summary>
public sealed class CsvImportTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static readonly CsvMapping s_dailyDownloads = new()
    {
        Rows = CsvRows.DailyAggregates,
        Columns = new(StringComparer.Ordinal)
        {
            ["timestamp"] = "day", ["type"] = "kind", ["recid"] = "record", ["file_key"] = "file", ["count"] = "n", ["unique_count"] = "u", ["volume"] = "bytes",
        },
    };

    private static readonly CsvMapping s_viewLog = new()
    {
        Rows = CsvRows.Events,
        Type = EventCatalog.RecordView,
        Columns = new(StringComparer.Ordinal) { ["timestamp"] = "when", ["recid"] = "id", ["ip_address"] = "ip", ["user_agent"] = "agent", ["session_id"] = "session" },
    };

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task DailyAggregateRowsAreStoredUnderTheMappingsNameAndCountOnce(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        using var folder = new TempFolder();
        var path = folder.Combine("legacy.csv");
        File.WriteAllLines(path,
        [
            "day,kind,record,file,n,u,bytes",
            "2024-05-01,record-view,legacy-1,,12,9,",
            "2024-05-01,file-download,legacy-1,\"docs/a, b.pdf\",4,3,4000",
            "2024-05-02,record-view,legacy-1,,-2,0,",
            "2024-05-02,file-download,legacy-1,docs/c.pdf,1,1,100",
        ]);

        var report = await Csv(store, ingestion).ImportFileAsync(path, "legacy", s_dailyDownloads, cancellationToken: Cancellation);
        await Csv(store, ingestion).ImportFileAsync(path, "legacy", s_dailyDownloads, cancellationToken: Cancellation);

        Assert.Equal(3, report.Imported);
        Assert.Equal([(4L, "negative count")], report.FirstBadLines.Select(b => (b.Number, b.Reason)));
        var stats = TestStats.Registry(store);
        Assert.Equal(new RecordViews(Period.All, "legacy-1", null, 12, 9), await stats.RunAsync<RecordViews>("record-view", ("recid", "legacy-1")));
        // 4 + 1 downloads, 3 + 1 unique, 4000 + 100 bytes: the second import replaced, it did not add.
        Assert.Equal(new RecordDownloads(Period.All, "legacy-1", null, 5, 4, 4100), await stats.RunAsync<RecordDownloads>("record-download", ("recid", "legacy-1")));
        Assert.Equal(
            [new FileDownloadBucket("docs/a, b.pdf", 4, 3, 4000), new FileDownloadBucket("docs/c.pdf", 1, 1, 100)],
            (await stats.RunAsync<FileDownloads>("file-download", ("recid", "legacy-1"))).Buckets);
        await using var context = store.CreateContext();
        Assert.Equal(["legacy"], await context.ImportedDailyAggregates.Select(a => a.Source).Distinct().ToListAsync(Cancellation));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task EventRowsGoThroughIngestionOnceHoweverOftenTheTableIsImported(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        using var folder = new TempFolder();
        var path = folder.Combine("views.csv");
        File.WriteAllLines(path,
        [
            "when\tid\tip\tagent\tsession",
            $"2024-05-01T10:00:00Z\tlegacy-2\t{TestEvents.PublicIp}\t{TestEvents.Browser}\ts-1",
            $"2024-05-01T11:00:00Z\tlegacy-2\t81.2.69.142\t{TestEvents.Browser}\ts-2",
            $"yesterday\tlegacy-2\t81.2.69.142\t{TestEvents.Browser}\ts-3",
        ]);
        var mapping = new CsvMapping { Rows = s_viewLog.Rows, Type = s_viewLog.Type, Columns = s_viewLog.Columns, Delimiter = "\t" };

        var first = await Csv(store, ingestion).ImportFileAsync(path, "views", mapping, cancellationToken: Cancellation);
        var second = await Csv(store, ingestion).ImportFileAsync(path, "views", mapping, cancellationToken: Cancellation);
        await ingestion.AggregateAsync();

        Assert.Equal((2L, 0L), (first.Imported, first.Duplicates));
        Assert.Equal((0L, 2L), (second.Imported, second.Duplicates));
        Assert.Equal([4L], first.FirstBadLines.Select(b => b.Number));
        Assert.Equal(ImportFormat.Csv, first.Format);
        var stats = TestStats.Registry(store);
        Assert.Equal(new RecordViews(Period.All, "legacy-2", null, 2, 2), await stats.RunAsync<RecordViews>("record-view", ("recid", "legacy-2")));
    }

    [Fact]
    public void AMappingWithoutATimestampOrCountNamesWhatIsMissing()
    {
        var mapping = new CsvMapping { Rows = CsvRows.DailyAggregates, Type = "record-view", Columns = new(StringComparer.Ordinal) { ["recid"] = "id", ["when"] = "x" } };

        var problems = mapping.Validate("Stats:Import:Csv:old");

        Assert.Contains("Stats:Import:Csv:old:Columns needs a column for timestamp.", problems);
        Assert.Contains("Stats:Import:Csv:old:Columns needs a column for count.", problems);
        Assert.Contains(problems, p => p.StartsWith("Stats:Import:Csv:old:Columns:when is not a field", StringComparison.Ordinal));
    }

    private static CsvImport Csv(TestStore store, IngestionHarness ingestion) =>
        new(new EventImporter(ingestion.Ingestor, new RouteTable(ImportOptions.DefaultRoutes), ingestion.Clock, store.Contexts), new AggregateImporter(store.Contexts, ingestion.Clock));
}
