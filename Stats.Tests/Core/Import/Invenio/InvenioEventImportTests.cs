using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;
using Stats.Core.Import;
using Stats.Core.Import.Invenio;
using Stats.Core.Ingestion;
using Stats.Core.Queries;
using Stats.Core.Retention;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;
using static Stats.Tests.Core.Import.Invenio.InvenioDumps;

namespace Stats.Tests.Core.Import.Invenio;

/// <summary>
/// Raw invenio-stats dumps through the import (<see cref="InvenioHistory"/>: every line format, both field sets), read back
/// through the stats <c>/api/stats</c> runs. The expected numbers are worked out by hand from the documents.
/// </summary>
public sealed class InvenioEventImportTests
{
    private static readonly DateOnly s_march5 = new(2024, 3, 5);
    private static readonly DateOnly s_march6 = new(2024, 3, 6);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static readonly (string, string)[] s_march = [("start_date", "2024-03-01"), ("end_date", "2024-03-31")];

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task EveryLineFormatAndBothFieldSetsGiveTheCountsWorkedOutByHand(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        // March is older than a 30-day retention: an import accepts it all the same.
        await using var ingestion = new IngestionHarness(store, retention: new RetentionOptions { RawEventMaxAgeDays = 30 });
        using var folder = new TempFolder();
        await InvenioHistory.WriteAsync(folder.Path);

        var reports = await ImportAsync(ingestion, folder.Path);

        Assert.All(reports, r => Assert.Null(r.Failure));
        Assert.All(reports, r => Assert.Equal(ImportFormat.InvenioEvents, r.Format));
        Assert.Equal(10, reports.Sum(r => r.Imported));
        Assert.Equal(1, reports.Sum(r => r.Held));
        var views = reports.Single(r => r.File.EndsWith("1-rdm-views.json", StringComparison.Ordinal));
        Assert.Equal([4L, 7L], views.FirstBadLines.Select(b => b.Number));
        Assert.Equal(["not JSON", "no timestamp"], views.FirstBadLines.Select(b => b.Reason));
        Assert.Equal(2, reports.Sum(r => r.BadLines));

        var stats = TestStats.Registry(store);
        // rdm-1: the double-click at 10:00:10 counts once with 10:00:00, visitor b once more; the robot never.
        Assert.Equal((2L, 2L), Views(await stats.RunAsync<RecordViews>("record-view", [("recid", "rdm-1"), .. s_march])));
        Assert.Equal((1L, 1L), Views(await stats.RunAsync<RecordViews>("record-view", [("recid", "rdm-2"), .. s_march])));
        // Both versions: three views, and session a1 that saw both counts once.
        var concept = await stats.RunAsync<ConceptViews>("record-view-all-versions", [("parent_recid", "rdm-c"), .. s_march]);
        Assert.Equal((3L, 2L), (concept.Views, concept.UniqueViews));
        // The contrib views name their record by pid_value; 40 s apart is no double-click.
        Assert.Equal((2L, 1L), Views(await stats.RunAsync<RecordViews>("record-view", [("recid", "c-7"), .. s_march])));
        // Downloads of rdm-1: visitor c, and visitor d's double-click once, through the bucket the RDM document taught.
        var downloads = await stats.RunAsync<RecordDownloads>("record-download", [("recid", "rdm-1"), .. s_march]);
        Assert.Equal((2L, 2L, 2000L), (downloads.Downloads, downloads.UniqueDownloads, downloads.DataVolume));
        var file = Assert.Single((await stats.RunAsync<FileDownloads>("file-download", [("recid", "rdm-1"), .. s_march])).Buckets);
        Assert.Equal((InvenioHistory.FileKey, 2L), (file.Key, file.Downloads));
        var repository = await stats.RunAsync<RepositorySummary>("repository-summary", s_march);
        Assert.Equal((5L, 2L, 2000L), (repository.Views, repository.Downloads, repository.DataVolume));
    }

    [Fact]
    public async Task CountriesRobotsAndMachinesAreTakenFromTheDumpNotLookedUp()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        using var folder = new TempFolder();
        var path = folder.Combine("views.json");
        await WriteAsync(path, Bare(
        [
            RdmView("rdm-1", "rdm-c", "2024-03-05T10:00:00", "v1", "s1", "ch"),
            RdmView("rdm-1", "rdm-c", "2024-03-05T10:01:00", "v2", "s2", "US", robot: true),
            RdmView("rdm-1", "rdm-c", "2024-03-05T10:02:00", "v3", "s3", null, machine: true),
        ]));

        var report = await Importer(ingestion).ImportFileAsync(path, cancellationToken: Cancellation);

        Assert.Equal(3, report.Imported);
        await using var context = store.CreateContext();
        var events = await context.RawEvents.OrderBy(e => e.Timestamp).ToListAsync(Cancellation);
        Assert.Equal(["CH", "US", null], events.Select(e => e.Country));
        Assert.Equal([EventTraits.None, EventTraits.Robot, EventTraits.Machine], events.Select(e => e.Traits));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ImportingTheSameDumpsAgainChangesNothing(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        using var folder = new TempFolder();
        await InvenioHistory.WriteAsync(folder.Path);
        await ImportAsync(ingestion, folder.Path);
        List<string> before;
        await using (var context = store.CreateContext())
        {
            before = await AggregateReader.EverythingAsync(context);
        }

        var again = await ImportAsync(ingestion, folder.Path);

        Assert.Equal((0L, 10L), (again.Sum(r => r.Imported), again.Sum(r => r.Duplicates)));
        await using var after = store.CreateContext();
        Assert.Equal(before, await AggregateReader.EverythingAsync(after));
        Assert.Equal(10, await after.RawEvents.CountAsync(Cancellation));
        Assert.Equal(1, await after.HeldDownloads.CountAsync(Cancellation));
    }

    [Fact]
    public async Task AnInterruptedImportResumedGivesTheNumbersOfOneUninterruptedRun()
    {
        using var folder = new TempFolder();
        await InvenioHistory.WriteAsync(folder.Path);
        var files = ImportFiles.Expand([folder.Path]);
        var expected = await UninterruptedAsync(folder.Path);

        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using (var crashing = new IngestionHarness(store))
        {
            var runs = new ImportRuns(store.Contexts, crashing.Clock);
            var run = await runs.StartAsync("auto", files, Cancellation);
            var saves = 0;
            var checkpoints = new FileCheckpoints(null, async (checkpoint, done, token) =>
            {
                // The second batch of the first file is committed, and the process dies before it says so.
                if (++saves == 2)
                {
                    throw new SimulatedCrashException();
                }

                await runs.SaveAsync(run.Files[0].Id, checkpoint, done, token);
            });
            await Assert.ThrowsAsync<SimulatedCrashException>(() =>
                Importer(crashing).ImportFileAsync(files[0], batchSize: 2, checkpoints: checkpoints, cancellationToken: Cancellation));
        }

        // Another process: the same files resume the run after the lines committed and saved.
        await using var resumed = new IngestionHarness(store);
        var resumedRuns = new ImportRuns(store.Contexts, resumed.Clock);
        var handle = await resumedRuns.StartAsync("auto", files, Cancellation);
        Assert.True(handle.Resumed);
        Assert.Equal(2, handle.Files[0].Done!.LinesDone);
        var importer = Importer(resumed);
        var reports = new List<FileImportReport>();
        for (var i = 0; i < files.Count; i++)
        {
            var state = handle.Files[i];
            reports.Add(await importer.ImportFileAsync(files[i], batchSize: 2, cancellationToken: Cancellation,
                checkpoints: new FileCheckpoints(state.Done, (c, done, token) => resumedRuns.SaveAsync(state.Id, c, done, token))));
        }

        await importer.Held.AttachAsync(Cancellation);
        await resumedRuns.FinishAsync(handle.Id, reports, null, Cancellation);
        await resumed.AggregateAsync();

        await using var context = store.CreateContext();
        Assert.Equal(expected, await AggregateReader.EverythingAsync(context));
        Assert.Equal(10, await context.RawEvents.CountAsync(Cancellation));
        // The whole first file is reported: its lines and bad lines, and the batch committed before the crash as duplicates.
        Assert.Equal(InvenioHistory.Files["1-rdm-views.json"].Count, reports[0].Lines);
        Assert.Equal(2, reports[0].BadLines);
        Assert.Equal(10, reports.Sum(r => r.Imported + r.Duplicates));
        var listed = Assert.Single(await resumedRuns.ListAsync(cancellationToken: Cancellation));
        Assert.False(listed.Unfinished);
        Assert.Equal(reports.Sum(r => r.Imported), listed.Imported);
    }

    [Fact]
    public async Task ACrashWithManyBatchesInFlightSavesNoCheckpointPastIt()
    {
        // Forty views a minute apart, two to a batch: twenty batches, far more than an import keeps in flight.
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "views.json");
        await WriteAsync(path, Enumerable.Range(0, 40).Select(i =>
            RdmView($"rdm-{i % 3}", "rdm-c", $"2024-03-05T10:{i:D2}:00", $"visitor-{i % 7}", $"session-{i % 7}", "CH").ToJsonString()));
        var expected = await UninterruptedAsync(folder.Path);

        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var runs = new ImportRuns(store.Contexts, TimeProvider.System);
        var run = await runs.StartAsync("auto", [path], Cancellation);
        var saved = new List<long>();
        var crashed = false;
        await using (var crashing = new IngestionHarness(store))
        {
            var checkpoints = new FileCheckpoints(null, async (checkpoint, done, token) =>
            {
                // The third batch is committed, and saying so fails once; batches after it are committed or on their way.
                if (saved.Count == 2 && !crashed)
                {
                    crashed = true;
                    throw new SimulatedCrashException();
                }

                saved.Add(checkpoint.LinesDone);
                await runs.SaveAsync(run.Files[0].Id, checkpoint, done, token);
            });
            await Assert.ThrowsAsync<SimulatedCrashException>(() =>
                Importer(crashing).ImportFileAsync(path, batchSize: 2, checkpoints: checkpoints, cancellationToken: Cancellation));
        }

        // Nothing was saved after the failure, whatever the batches behind it did.
        Assert.Equal([2L, 4L], saved);
        await using var resumed = new IngestionHarness(store);
        var resumedRuns = new ImportRuns(store.Contexts, resumed.Clock);
        var handle = await resumedRuns.StartAsync("auto", [path], Cancellation);
        Assert.Equal(4, handle.Files[0].Done!.LinesDone);
        var report = await Importer(resumed).ImportFileAsync(path, batchSize: 2, cancellationToken: Cancellation,
            checkpoints: new FileCheckpoints(handle.Files[0].Done, (c, done, token) => resumedRuns.SaveAsync(handle.Files[0].Id, c, done, token)));
        await resumed.AggregateAsync();

        // The third batch and any stored behind it come again as duplicates: every view is stored once.
        Assert.Equal(40, report.Imported + report.Duplicates);
        Assert.InRange(report.Duplicates, 2, 36);
        await using var context = store.CreateContext();
        Assert.Equal(40, await context.RawEvents.CountAsync(Cancellation));
        Assert.Equal(expected, await AggregateReader.EverythingAsync(context));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task NoVisitorOrSessionDigestOfTheDumpIsStoredAnywhere(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        using var folder = new TempFolder();
        await InvenioHistory.WriteAsync(folder.Path);

        await ImportAsync(ingestion, folder.Path);

        await using var context = store.CreateContext();
        var texts = new List<string>();
        foreach (var table in StoreInspector.Tables(context))
        {
            foreach (var row in await StoreInspector.RowsAsync(context, table))
            {
                texts.AddRange(row.Select(v => v switch { string s => s, byte[] b => Convert.ToHexStringLower(b), _ => null }).OfType<string>());
            }
        }

        // The scan reads what was stored: the records are there, and the held download's bucket.
        Assert.Contains("rdm-1", texts);
        Assert.Contains("bucket-unknown", texts);
        foreach (var digest in InvenioHistory.Digests)
        {
            Assert.DoesNotContain(texts, t => t.Contains(digest[..16], StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task AHeldDownloadIsStoredOnceItsBucketIsLearned()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        using var folder = new TempFolder();
        var path = folder.Combine("held.json");
        await WriteAsync(path, Bare([ContribDownload("bucket-9", "a/b/c.txt", 42, "2024-03-05T14:00:00", "v", "s", "CH")]));
        var importer = Importer(ingestion);
        var report = await importer.ImportFileAsync(path, cancellationToken: Cancellation);
        Assert.Equal((0L, 1L), (report.Imported, report.Held));
        Assert.Equal(0, await importer.Held.AttachAsync(Cancellation));

        // Any event naming the bucket beside its record teaches the map (here the live queue's).
        await ingestion.IngestAsync(new IncomingEvent
        {
            Type = "file-download", Timestamp = new DateTimeOffset(2024, 6, 20, 8, 0, 0, TimeSpan.Zero), Recid = "rec-9", BucketId = "bucket-9", FileKey = "other.txt",
        });
        Assert.Equal(1, await importer.Held.AttachAsync(Cancellation));
        await ingestion.AggregateAsync();

        await using var context = store.CreateContext();
        Assert.Empty(await context.HeldDownloads.ToListAsync(Cancellation));
        var stat = await AggregateReader.RecordAsync(context, "rec-9", s_march5);
        Assert.Equal((1, 42L), (stat.Downloads, stat.Volume));
        Assert.Equal(0, (await AggregateReader.RecordAsync(context, "rec-9", s_march6)).Downloads);
    }

    [Fact]
    public async Task ADumpOfDailyAggregatesIsRecognisedAndNotImportedYet()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        using var folder = new TempFolder();
        var path = folder.Combine("stats-record-view-2024-03.json");
        await WriteAsync(path, [
            """{"_index": "stats-record-view-2024-03", "_id": "x", "_source": {"timestamp": "2024-03-05T00:00:00", "count": 3, "unique_count": 2, "recid": "rdm-1"}}""",
        ]);

        var report = await Importer(ingestion).ImportFileAsync(path, cancellationToken: Cancellation);

        Assert.Equal(EventImporter.AggregatesNotSupported, report.Failure);
        await using var context = store.CreateContext();
        Assert.Equal(0, await context.RawEvents.CountAsync(Cancellation));
    }

    private static (long, long) Views(RecordViews views) => (views.Views, views.UniqueViews);

    private static EventImporter Importer(IngestionHarness ingestion) =>
        new(ingestion.Ingestor, new RouteTable(ImportOptions.DefaultRoutes), ingestion.Clock, ingestion.Store.Contexts);

    /// <summary>What the import verb does with a folder: each file, then the held downloads attached, then aggregation.</summary>
    private static async Task<List<FileImportReport>> ImportAsync(IngestionHarness ingestion, string folder, int batchSize = EventImporter.DefaultBatchSize)
    {
        var importer = Importer(ingestion);
        var reports = new List<FileImportReport>();
        foreach (var file in ImportFiles.Expand([folder]))
        {
            reports.Add(await importer.ImportFileAsync(file, batchSize: batchSize, cancellationToken: Cancellation));
        }

        await importer.Held.AttachAsync(Cancellation);
        await ingestion.AggregateAsync();
        return reports;
    }

    /// <summary>Every aggregate of the folder imported in one run, two events to a batch, into a store of its own.</summary>
    private static async Task<List<string>> UninterruptedAsync(string folder)
    {
        await using var reference = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(reference);
        await ImportAsync(ingestion, folder, batchSize: 2);
        await using var context = reference.CreateContext();
        return await AggregateReader.EverythingAsync(context);
    }

    private sealed class SimulatedCrashException : Exception;
}
