using System.IO.Compression;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Stats.Core.Data;
using Stats.Core.Import;
using Stats.Core.Import.Aggregates;
using Stats.Core.Import.Invenio;
using Stats.Core.Queries;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Import;

/// <summary>
/// invenio-stats' daily aggregates imported from dumps in every line format, with both field sets, merged with the
/// aggregates of raw events: the fixture's sums are worked out by hand beside each assertion.
/// </summary>
public sealed class AggregateImporterTests
{
    private static readonly DateTimeOffset s_may1 = new(2024, 5, 1, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>
    /// Views: elasticdump with contrib fields, a search answer mixing both field sets, the bulk format, then the bad lines
    /// (missing timestamp, negative count, not JSON).
    /// </summary>
    private static readonly string[] s_views =
    [
        """{"_index":"stats-record-view-2024-05","_id":"ui_rec-1-2024-05-01","_source":{"timestamp":"2024-05-01T00:00:00","count":10,"unique_count":7,"pid_type":"recid","pid_value":"rec-1","record_id":"9a1","unique_id":"ui_rec-1"}}""",
        """{"hits":{"hits":[{"_index":"stats-record-view-2024-05","_id":"a","_source":{"timestamp":"2024-05-02T00:00:00","count":4,"unique_count":3,"pid_type":"recid","pid_value":"rec-1","unique_id":"ui_rec-1"}},{"_index":"stats-record-view-2024-05","_id":"b","_source":{"timestamp":"2024-05-01T00:00:00","count":5,"unique_count":5,"recid":"rec-2","parent_recid":"c1","unique_id":"ui_rec-2","via_api":false}}]}}""",
        """{"index":{"_index":"stats-record-view-2024-05","_id":"c"}}""",
        """{"timestamp":"2024-05-02T00:00:00","count":6,"unique_count":2,"recid":"rec-2","parent_recid":"c1","unique_id":"ui_rec-2"}""",
        """{"_index":"stats-record-view-2024-05","_id":"d","_source":{"count":3,"unique_count":1,"pid_value":"rec-1","unique_id":"ui_rec-1"}}""",
        """{"timestamp":"2024-05-03T00:00:00","count":-1,"unique_count":0,"recid":"rec-1","unique_id":"ui_rec-1"}""",
        """{"timestamp": oops""",
    ];

    /// <summary>Downloads: RDM fields (recid and bucket), contrib fields (bucket only, a key with slashes), an unknown bucket.</summary>
    private static readonly string[] s_downloads =
    [
        """{"_index":"stats-file-download-2024-05","_id":"e","_source":{"timestamp":"2024-05-02T00:00:00","count":3,"unique_count":2,"volume":3000,"recid":"rec-1","parent_recid":"c1","bucket_id":"b-1","file_id":"f1","file_key":"data/raw/a.csv","unique_id":"b-1_f1"}}""",
        """{"_index":"stats-file-download-2024-05","_id":"f","_source":{"timestamp":"2024-05-01T00:00:00","count":100,"unique_count":90,"volume":100000,"bucket_id":"b-1","file_id":"f1","file_key":"data/raw/a.csv","unique_id":"b-1_f1"}}""",
        """{"_index":"stats-file-download-2024-05","_id":"g","_source":{"timestamp":"2024-05-01T00:00:00","count":2,"unique_count":2,"volume":500,"bucket_id":"b-3","file_id":"f3","file_key":"x/y/z.txt","unique_id":"b-3_f3"}}""",
        """{"_index":"stats-file-download-2024-05","_id":"h","_source":{"timestamp":"2024-05-01T00:00:00","count":7,"unique_count":7,"volume":7,"bucket_id":"b-9","file_id":"f9","file_key":"lost.bin","unique_id":"b-9_f9"}}""",
    ];

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ImportedAggregatesAddUpWithRawEventsAndRawEventsWinTheirRecordDay(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = await SeedAsync(store);
        using var folder = new TempFolder();
        var importer = Importer(store);

        var views = await importer.ImportInvenioFileAsync(Write(folder, "views.ndjson", s_views), cancellationToken: Cancellation);
        var downloads = await importer.ImportInvenioFileAsync(WriteGzip(folder, "downloads.json.gz", s_downloads), cancellationToken: Cancellation);

        Assert.Null(views.Failure);
        // Four documents stored (line 1, the two hits of line 2, the bulk pair of lines 3-4); line 5 has no timestamp,
        // line 6 a negative count, line 7 is not JSON.
        Assert.Equal(4, views.Imported);
        Assert.Equal([(5L, "missing timestamp"), (6L, "negative count"), (7L, "not JSON")], views.FirstBadLines.Select(b => (b.Number, b.Reason)));
        Assert.Equal(3, downloads.Imported);
        Assert.Equal(1, downloads.Skipped[ImportedAggregateWriter.UnknownBucket]);
        await AssertFixtureSumsAsync(store);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ImportingTheSameDumpAgainChangesNothingAndAChangedDocumentReplacesTheOldValue(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = await SeedAsync(store);
        using var folder = new TempFolder();
        var importer = Importer(store);
        var viewsFile = Write(folder, "views.ndjson", s_views);
        var downloadsFile = Write(folder, "downloads.ndjson", s_downloads);
        await importer.ImportInvenioFileAsync(viewsFile, cancellationToken: Cancellation);
        await importer.ImportInvenioFileAsync(downloadsFile, cancellationToken: Cancellation);

        // Another process, another importer: nothing cached.
        await Importer(store).ImportInvenioFileAsync(viewsFile, cancellationToken: Cancellation);
        await Importer(store).ImportInvenioFileAsync(downloadsFile, cancellationToken: Cancellation);

        await AssertFixtureSumsAsync(store);
        await using (var context = store.CreateContext())
        {
            // Four views and three downloads (the fourth's bucket is unknown), each once.
            Assert.Equal(4 + 3, await context.ImportedDailyAggregates.CountAsync(Cancellation));
        }

        // rec-2 on May 2 recounted upstream: 6 views become 9, 2 unique become 4.
        var changed = """{"timestamp":"2024-05-02T00:00:00","count":9,"unique_count":4,"recid":"rec-2","parent_recid":"c1","unique_id":"ui_rec-2"}""";
        await Importer(store).ImportInvenioFileAsync(Write(folder, "changed.ndjson", [changed]), cancellationToken: Cancellation);

        var stats = TestStats.Registry(store);
        Assert.Equal(new RecordViews(Period.All, "rec-2", "c1", 5 + 9, 5 + 4), await stats.RunAsync<RecordViews>("record-view", ("recid", "rec-2")));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AggregatingTheDaysAgainKeepsTheImportedNumbers(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = await SeedAsync(store);
        using var folder = new TempFolder();
        await Importer(store).ImportInvenioFileAsync(Write(folder, "views.ndjson", s_views), cancellationToken: Cancellation);
        await Importer(store).ImportInvenioFileAsync(Write(folder, "downloads.ndjson", s_downloads), cancellationToken: Cancellation);

        var report = await ingestion.Aggregator.RunAsync((new DateOnly(2024, 4, 1), new DateOnly(2024, 5, 31)), Cancellation);

        Assert.Null(report.Error);
        Assert.Contains(report.Days, d => d.Day == new DateOnly(2024, 5, 2));
        await AssertFixtureSumsAsync(store);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task RawEventsArrivingLaterForAnImportedRecordDayReplaceTheImportedNumbersOfThatDayOnly(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = await SeedAsync(store);
        using var folder = new TempFolder();
        await Importer(store).ImportInvenioFileAsync(Write(folder, "views.ndjson", s_views), cancellationToken: Cancellation);

        // rec-2 had 5 imported views on May 1 and 6 on May 2; one raw view on May 1 now stands for that day.
        await ingestion.IngestAsync(TestEvents.View("rec-2", s_may1.AddHours(2), sessionId: "s-9"));
        await ingestion.AggregateAsync();

        var stats = TestStats.Registry(store);
        Assert.Equal(new RecordViews(Period.All, "rec-2", "c1", 1 + 6, 1 + 2), await stats.RunAsync<RecordViews>("record-view", ("recid", "rec-2")));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task TheImportedHistoryOfARecordOrConceptNamesTheSourcesWhoseDaysMeetThePeriod(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = await SeedAsync(store);
        using var folder = new TempFolder();
        await Importer(store).ImportInvenioFileAsync(Write(folder, "views.ndjson", s_views), cancellationToken: Cancellation);
        // The same kind of document from another source, five years earlier, for rec-2 only.
        var legacy = """{"timestamp":"2019-03-01T00:00:00","count":8,"unique_count":8,"recid":"rec-2","parent_recid":"c1","unique_id":"legacy_rec-2"}""";
        await using (var stream = new MemoryStream(Encoding.UTF8.GetBytes(legacy + "\n")))
        {
            var report = await Importer(store).ImportAsync(
                stream, "legacy.ndjson", ImportFormat.InvenioAggregates, "legacy", new InvenioAggregateLines(), cancellationToken: Cancellation);
            Assert.Equal(1, report.Imported);
        }

        var usage = new UsageStats(store.Contexts, TimeProvider.System);
        var may = new Period(new DateOnly(2024, 5, 1), new DateOnly(2024, 5, 31));
        var year2019 = new Period(new DateOnly(2019, 1, 1), new DateOnly(2019, 12, 31));
        var rec2 = new StatTarget(StatSubject.Record, "rec-2");
        var all = await usage.ImportedHistoryAsync(rec2, Period.All, Cancellation);
        Assert.Equal("2019-03-01..2024-05-02 invenio, legacy", Described(all));
        var inMay = await usage.ImportedHistoryAsync(rec2, may, Cancellation);
        Assert.Equal("2024-05-01..2024-05-02 invenio", Described(inMay));
        // rec-1's May 1 is raw: only its May 2 is imported.
        var rec1 = await usage.ImportedHistoryAsync(new StatTarget(StatSubject.Record, "rec-1"), Period.All, Cancellation);
        Assert.Equal("2024-05-02..2024-05-02 invenio", Described(rec1));
        var concept = await usage.ImportedHistoryAsync(new StatTarget(StatSubject.Concept, "c1"), year2019, Cancellation);
        Assert.Equal("2019-03-01..2019-03-01 legacy", Described(concept));
        Assert.Null(await usage.ImportedHistoryAsync(new StatTarget(StatSubject.Record, "rec-3"), Period.All, Cancellation));

        static string Described(ImportedHistory? history) =>
            history is null ? "none" : $"{history.From:yyyy-MM-dd}..{history.To:yyyy-MM-dd} {string.Join(", ", history.Sources)}";
    }

    /// <summary>
    /// Records rec-1 and rec-2 are versions of c1 in community hep, owned by owner-1; rec-3 (no versions, no community)
    /// owns bucket b-3. rec-1 has two raw views on May 1 (two sessions), aggregated.
    /// </summary>
    private static async Task<IngestionHarness> SeedAsync(TestStore store)
    {
        var ingestion = new IngestionHarness(store);
        var published = s_may1.AddDays(-30);
        await ingestion.IngestAsync(
            TestEvents.Published("rec-1", published, parentRecid: "c1", communities: ["hep"]),
            TestEvents.Published("rec-2", published, parentRecid: "c1", communities: ["hep"]),
            TestEvents.Published("rec-3", published, owner: null),
            TestEvents.View("rec-1", s_may1, sessionId: "s-1"),
            TestEvents.View("rec-1", s_may1.AddMinutes(5), sessionId: "s-2", ip: "81.2.69.142"));
        await ingestion.AggregateAsync();
        await using var context = store.CreateContext();
        var rec3 = await context.Records.SingleAsync(r => r.ExternalId == "rec-3", Cancellation);
        context.RecordBuckets.Add(new RecordBucket { BucketId = "b-3", RecordId = rec3.Id, Source = "test", LearnedAt = s_may1.UtcDateTime });
        await context.SaveChangesAsync(Cancellation);
        return ingestion;
    }

    private static async Task AssertFixtureSumsAsync(TestStore store)
    {
        var stats = TestStats.Registry(store);
        // rec-1: May 1 is raw (2 views, 2 unique; the imported 10 views and 100 downloads of that day are ignored), May 2 imported (4, 3).
        Assert.Equal(new RecordViews(Period.All, "rec-1", "c1", 2 + 4, 2 + 3), await stats.RunAsync<RecordViews>("record-view", ("recid", "rec-1")));
        Assert.Equal(new RecordDownloads(Period.All, "rec-1", "c1", 3, 2, 3000), await stats.RunAsync<RecordDownloads>("record-download", ("recid", "rec-1")));
        // rec-2: imported only, 5 + 6 views, 5 + 2 unique.
        Assert.Equal(new RecordViews(Period.All, "rec-2", "c1", 5 + 6, 5 + 2), await stats.RunAsync<RecordViews>("record-view", ("recid", "rec-2")));
        // rec-3: the contrib download found by its bucket.
        Assert.Equal(new RecordDownloads(Period.All, "rec-3", null, 2, 2, 500), await stats.RunAsync<RecordDownloads>("record-download", ("recid", "rec-3")));
        Assert.Equal(
            [new FileDownloadBucket("x/y/z.txt", 2, 2, 500)],
            (await stats.RunAsync<FileDownloads>("file-download", ("recid", "rec-3"))).Buckets);
        Assert.Equal(
            [new FileDownloadBucket("data/raw/a.csv", 3, 2, 3000)],
            (await stats.RunAsync<FileDownloads>("file-download", ("recid", "rec-1"))).Buckets);
        var fileHistogram = await stats.RunAsync<Histogram<DownloadCounts>>(
            "file-download-histogram", ("recid", "rec-1"), ("file_key", "data/raw/a.csv"), ("start_date", "2024-05-01"), ("end_date", "2024-05-02"));
        Assert.Equal([DownloadCounts.Zero, new DownloadCounts(3, 2, 3000)], fileHistogram.Buckets.Select(b => b.Values));
        // All versions of c1: May 1 raw rec-1 (2, 2) + imported rec-2 (5, 5); May 2 imported rec-1 (4, 3) + rec-2 (6, 2).
        Assert.Equal(new ConceptViews(Period.All, "c1", 2 + 5 + 4 + 6, 2 + 5 + 3 + 2), await stats.RunAsync<ConceptViews>("record-view-all-versions", ("parent_recid", "c1")));
        Assert.Equal(new ConceptDownloads(Period.All, "c1", 3, 2, 3000), await stats.RunAsync<ConceptDownloads>("record-download-all-versions", ("parent_recid", "c1")));
        var conceptHistogram = await stats.RunAsync<Histogram<ViewCounts>>(
            "record-view-all-versions-histogram", ("parent_recid", "c1"), ("start_date", "2024-05-01"), ("end_date", "2024-05-02"));
        Assert.Equal([new ViewCounts(2 + 5, 2 + 5), new ViewCounts(4 + 6, 3 + 2)], conceptHistogram.Buckets.Select(b => b.Values));
        // Community hep and owner-1 hold rec-1 and rec-2: the same sums as c1.
        Assert.Equal(new CommunityViews("hep", 17, 12), await stats.RunAsync<CommunityViews>("community-views", ("community", "hep")));
        Assert.Equal(new CommunityDownloads("hep", 3, 2, 3000), await stats.RunAsync<CommunityDownloads>("community-downloads", ("community", "hep")));
        Assert.Equal(new UserStats("owner-1", 17, 12, 3, 2, 3000), await stats.RunAsync<UserStats>("user-stats", ("owner_id", "owner-1")));
        // The repository: every record, rec-3's download included.
        var repository = await stats.RunAsync<RepositorySummary>("repository-summary");
        Assert.Equal((17L, 12L, 3L + 2, 2L + 2, 3000L + 500), (repository.Views, repository.UniqueViews, repository.Downloads, repository.UniqueDownloads, repository.DataVolume));
    }

    private static AggregateImporter Importer(TestStore store) => new(store.Contexts, new FakeTimeProvider(IngestionHarness.DefaultNow));

    private static string Write(TempFolder folder, string name, IEnumerable<string> lines)
    {
        var path = folder.Combine(name);
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return path;
    }

    private static string WriteGzip(TempFolder folder, string name, IEnumerable<string> lines)
    {
        var path = folder.Combine(name);
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
        return path;
    }
}
