using System.IO.Compression;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;
using Stats.Core.Events;
using Stats.Core.Import;
using Stats.Tests.Infrastructure;
using static Stats.Tests.Core.Import.AccessLogSamples;

namespace Stats.Tests.Core.Import;

public sealed class EventImporterTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AMixedLogIsCountedByWhatBecameOfEachLine()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        using var folder = new TempFolder();

        var report = await Importer(ingestion).ImportFileAsync(Write(folder, "access.log", MixedDay()), cancellationToken: Cancellation);

        Assert.Null(report.Failure);
        Assert.Equal(ImportFormat.Combined, report.Format);
        Assert.Equal(17, report.Lines);
        Assert.Equal(10, report.Imported);
        Assert.Equal(0, report.Duplicates);
        Assert.Equal(
            new Dictionary<string, long> { ["no route"] = 2, ["status 201"] = 1, ["status 206"] = 1, ["status 404"] = 1 },
            report.Skipped.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary());
        Assert.Equal(2, report.BadLines);
        Assert.Equal([6L, 12L], report.FirstBadLines.Select(b => b.Number));
        Assert.Equal("no quoted request after the timestamp", report.FirstBadLines[0].Reason);
    }

    [Fact]
    public async Task RobotsAreImportedAndFlaggedNotSkipped()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        using var folder = new TempFolder();

        await Importer(ingestion).ImportFileAsync(Write(folder, "access.log", MixedDay()), cancellationToken: Cancellation);

        await using var context = store.CreateContext();
        var events = await context.RawEvents.OrderBy(e => e.Timestamp).ToListAsync(Cancellation);
        Assert.Equal(10, events.Count);
        Assert.Equal(2, events.Count(e => e.Traits.HasFlag(EventTraits.Robot)));
        Assert.Single(events, e => e.Traits.HasFlag(EventTraits.Machine));
        Assert.Single(events, e => e.Traits.HasFlag(EventTraits.Preview));
        Assert.Equal(new DateTime(2024, 6, 15, 7, 0, 0, DateTimeKind.Utc), events[0].Timestamp);
        Assert.Equal(104857600, events[1].Amount);
        Assert.Equal("CH", events[0].Country);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ImportingTheSameLogAgainStoresNothingTwice(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        using var folder = new TempFolder();
        var log = Write(folder, "access.log", MixedDay());

        var first = await Importer(ingestion).ImportFileAsync(log, cancellationToken: Cancellation);
        var second = await Importer(ingestion).ImportFileAsync(log, cancellationToken: Cancellation);

        Assert.Equal((10L, 0L), (first.Imported, first.Duplicates));
        Assert.Equal((0L, 10L), (second.Imported, second.Duplicates));
        await using var context = store.CreateContext();
        Assert.Equal(10, await context.RawEvents.CountAsync(Cancellation));
    }

    [Fact]
    public async Task ALogThatGrewSinceItsLastImportAddsOnlyItsNewLines()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        using var folder = new TempFolder();
        var partial = Write(folder, "access.log", MixedDay().Take(5));
        await Importer(ingestion).ImportFileAsync(partial, cancellationToken: Cancellation);

        // The rotated, compressed file holds the same lines at the same positions, and more.
        var whole = await Importer(ingestion).ImportFileAsync(WriteGzip(folder, "access.log.1.gz", MixedDay()), cancellationToken: Cancellation);

        Assert.Equal((5L, 5L), (whole.Imported, whole.Duplicates));
        await using var context = store.CreateContext();
        Assert.Equal(10, await context.RawEvents.CountAsync(Cancellation));
    }

    [Fact]
    public async Task IdenticalLinesAreTwoClicksNotADuplicate()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        using var folder = new TempFolder();
        var click = Combined("GET /records/7654321/files/Dataset_v2.zip HTTP/1.1");

        var report = await Importer(ingestion).ImportFileAsync(Write(folder, "access.log", [click, click]), cancellationToken: Cancellation);

        Assert.Equal((2L, 0L), (report.Imported, report.Duplicates));
    }

    [Fact]
    public async Task AGzippedLogIsReadLikeThePlainOne()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        using var folder = new TempFolder();

        var report = await Importer(ingestion).ImportFileAsync(WriteGzip(folder, "access.log.gz", MixedDay()), cancellationToken: Cancellation);

        Assert.Null(report.Failure);
        Assert.Equal((17L, 10L, 5L, 2L), (report.Lines, report.Imported, report.SkippedTotal, report.BadLines));
    }

    [Fact]
    public async Task GzipIsRecognisedByItsContentNotItsName()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        using var folder = new TempFolder();

        var report = await Importer(ingestion).ImportFileAsync(WriteGzip(folder, "access.log-20240616", MixedDay()), cancellationToken: Cancellation);

        Assert.Equal(10, report.Imported);
    }

    [Fact]
    public async Task NdjsonIsReadWithTheApiRulesAndBadLinesKeepTheirNumbers()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        using var folder = new TempFolder();
        string[] lines =
        [
            $$"""{"type":"record-view","timestamp":"2024-06-15T09:00:00Z","recid":"7654321","ip_address":"{{CernIpv4}}","user_agent":"{{Firefox}}","id":"evt-1"}""",
            "",
            """{"type":"file-download","timestamp":"2024-06-15T09:01:00Z","recid":"7654321","file_key":"Dataset_v2.zip","size":104857600,"id":"evt-2"}""",
            """{"type":"record-view","timestamp":"2024-06-15T09:02:00Z","recid":""",
            """{"type":"file-download","timestamp":"2024-06-15T09:03:00Z","recid":"7654321","file_key":"Dataset_v2.zip","size":"big"}""",
            """{"type":"page-view","timestamp":"2024-06-15T09:04:00Z"}""",
            "   ",
            """{"type":"record-view","timestamp":"2024-06-15T11:05:00+02:00","recid":"7654321","id":"evt-7"}""",
        ];

        var report = await Importer(ingestion).ImportFileAsync(Write(folder, "events.ndjson", lines), cancellationToken: Cancellation);

        Assert.Equal(ImportFormat.Ndjson, report.Format);
        Assert.Equal(8, report.Lines);
        Assert.Equal(3, report.Imported);
        Assert.Equal([4L, 5L, 6L], report.FirstBadLines.Select(b => b.Number));
        Assert.StartsWith("line is not valid JSON", report.FirstBadLines[0].Reason, StringComparison.Ordinal);
        Assert.Equal("field 'size' must be a whole number, zero or more", report.FirstBadLines[1].Reason);
        Assert.Equal("unknown event type 'page-view'", report.FirstBadLines[2].Reason);
        Assert.Empty(report.Skipped);
    }

    [Fact]
    public async Task SmallBatchesGiveTheSameCountsAndLineNumbers()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        using var folder = new TempFolder();
        var future = Combined("GET /records/7654321 HTTP/1.1", at: IngestionHarness.DefaultNow.AddDays(1));
        string[] ndjson =
        [
            .. Enumerable.Range(1, 7).Select(i => $$"""{"type":"record-view","timestamp":"2024-06-15T09:0{{i}}:00Z","recid":"{{i}}"}"""),
            "not json",
            """{"type":"record-view","timestamp":"2024-06-15T10:00:00Z"}""",
        ];

        var log = await Importer(ingestion).ImportFileAsync(Write(folder, "access.log", [.. MixedDay(), future]), batchSize: 2, cancellationToken: Cancellation);
        var events = await Importer(ingestion).ImportFileAsync(Write(folder, "events.ndjson", ndjson), batchSize: 2, cancellationToken: Cancellation);

        Assert.Equal((18L, 10L, 5L), (log.Lines, log.Imported, log.SkippedTotal));
        Assert.Equal([6L, 12L, 18L], log.FirstBadLines.Select(b => b.Number));
        Assert.Contains("in the future", log.FirstBadLines[2].Reason, StringComparison.Ordinal);
        Assert.Equal(7, events.Imported);
        Assert.Equal([8L, 9L], events.FirstBadLines.Select(b => b.Number));
        Assert.Equal("field 'recid' is required", events.FirstBadLines[1].Reason);
    }

    [Fact]
    public async Task OnlyTheFirstTenBadLinesAreKeptButAllAreCounted()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        using var folder = new TempFolder();
        var lines = Enumerable.Range(1, 40).Select(i => i % 3 == 0 ? "garbage" : Combined("GET /records/7654321 HTTP/1.1"));

        var report = await Importer(ingestion).ImportFileAsync(Write(folder, "access.log", lines), batchSize: 4, cancellationToken: Cancellation);

        Assert.Equal(13, report.BadLines);
        Assert.Equal([3L, 6, 9, 12, 15, 18, 21, 24, 27, 30], report.FirstBadLines.Select(b => b.Number));
    }

    [Fact]
    public async Task AnOverlongLineIsBadAndTheLinesAfterItAreRead()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        using var folder = new TempFolder();
        var overlong = Combined("GET /records/7654321?q=" + new string('a', 3 * 1024 * 1024) + " HTTP/1.1");

        var report = await Importer(ingestion).ImportFileAsync(
            Write(folder, "access.log", [Combined("GET /records/1 HTTP/1.1"), overlong, Combined("GET /records/2 HTTP/1.1")]), cancellationToken: Cancellation);

        Assert.Equal((3L, 2L), (report.Lines, report.Imported));
        Assert.Equal(new BadLine(2, "longer than 1 MiB"), Assert.Single(report.FirstBadLines));
    }

    [Fact]
    public async Task TheFormatCanBeForced()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        using var folder = new TempFolder();

        var report = await Importer(ingestion).ImportFileAsync(Write(folder, "access.log", MixedDay()), ImportFormat.Ndjson, cancellationToken: Cancellation);

        Assert.Equal(ImportFormat.Ndjson, report.Format);
        Assert.Equal((0L, 17L), (report.Imported, report.BadLines));
        Assert.All(report.FirstBadLines, b => Assert.Equal("the line is not valid JSON", b.Reason));
    }

    [Fact]
    public async Task AMissingFileIsAFailure()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        using var folder = new TempFolder();

        var report = await Importer(ingestion).ImportFileAsync(folder.Combine("access.log.7.gz"), cancellationToken: Cancellation);

        Assert.Equal("no such file", report.Failure);
        Assert.Equal(0, report.Lines);
    }

    [Fact]
    public async Task AFolderIsAFailure()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        using var folder = new TempFolder();

        var report = await Importer(ingestion).ImportFileAsync(folder.Path, cancellationToken: Cancellation);

        Assert.Equal("a folder, not a file", report.Failure);
    }

    [Fact]
    public async Task ACorruptGzipFileIsAFailure()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        using var folder = new TempFolder();
        var path = folder.Combine("access.log.gz");
        await File.WriteAllBytesAsync(path, [0x1f, 0x8b, 0x08, 0x00, .. Encoding.ASCII.GetBytes("this is not deflate data at all, just text")], Cancellation);

        var report = await Importer(ingestion).ImportFileAsync(path, cancellationToken: Cancellation);

        Assert.Equal("not valid gzip data", report.Failure);
    }

    [Fact]
    public async Task AGzipFileCorruptHalfwayKeepsTheLinesBeforeTheDamage()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        using var folder = new TempFolder();
        var path = WriteGzip(folder, "access.log.gz", Enumerable.Range(0, 20_000).Select(i =>
            Combined($"GET /records/{i % 50} HTTP/1.1", at: new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(i))));
        var bytes = await File.ReadAllBytesAsync(path, Cancellation);
        bytes.AsSpan(bytes.Length / 2, 64).Fill(0xff);
        await File.WriteAllBytesAsync(path, bytes, Cancellation);

        var report = await Importer(ingestion).ImportFileAsync(path, batchSize: 1_000, cancellationToken: Cancellation);

        Assert.StartsWith("unreadable after line ", report.Failure, StringComparison.Ordinal);
        Assert.EndsWith(" (not valid gzip data)", report.Failure, StringComparison.Ordinal);
        Assert.InRange(report.Lines, 1, 19_999);
        Assert.Equal(report.Lines, report.Imported + report.BadLines);
        await using var context = store.CreateContext();
        Assert.Equal(report.Imported, await context.RawEvents.CountAsync(Cancellation));
    }

    [Fact]
    public async Task ProgressEndsWithTheWholeFileRead()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        using var folder = new TempFolder();
        var path = WriteGzip(folder, "access.log.gz", MixedDay());
        var seen = new List<ImportProgress>();

        await Importer(ingestion).ImportFileAsync(path, progress: seen.Add, cancellationToken: Cancellation);

        Assert.Equal(new ImportProgress(new FileInfo(path).Length, 17, 10), seen[^1]);
    }

    [Fact]
    public async Task LinesOfBrokenUnicodeOrOfTheCalendarsFirstDayAreBadLinesAndTheOthersAreImported()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        using var folder = new TempFolder();
        static byte[] Line(string recid, string timestamp = "2024-06-15T13:35:00Z") =>
            Encoding.UTF8.GetBytes($$"""{"type": "record-view", "timestamp": "{{timestamp}}", "recid": "{{recid}}"}""" + "\n");
        var path = folder.Combine("events.ndjson");
        await File.WriteAllBytesAsync(path, [
            .. Line("good-1"),
            .. Encoding.UTF8.GetBytes("{\"type\": \"record-view\", \"timestamp\": \"2024-06-15T13:35:00Z\", \"recid\": \"a"), 0xFF, .. Encoding.UTF8.GetBytes("\"}\n"),
            .. Line("a\\ud800b"),
            .. Line("first-day", "0001-01-01T00:00:00"),
            .. Line("good-2"),
        ], Cancellation);

        var report = await Importer(ingestion).ImportFileAsync(path, cancellationToken: Cancellation);

        Assert.Null(report.Failure);
        Assert.Equal(2, report.Imported);
        Assert.Equal([2L, 3L, 4L], report.FirstBadLines.Select(b => b.Number));
    }

    private static EventImporter Importer(IngestionHarness ingestion) =>
        new(ingestion.Ingestor, new RouteTable(ImportOptions.DefaultRoutes), ingestion.Clock, ingestion.Store.Contexts);

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
        using var gzip = new GZipStream(file, CompressionLevel.Optimal);
        gzip.Write(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
        return path;
    }
}
