using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Stats.Core.Data;
using Stats.Core.Import.Aggregates;

namespace Stats.Benchmarks;

/// <summary>
/// <c>--suite import-aggregates</c>: invenio-stats' daily aggregate documents imported from a gzip dump (elasticdump lines,
/// InvenioRDM fields, views and downloads half and half over a year) into a new store, timed from the first line read to
/// the imported usage of every day derived; then the same dump again (every document replaces itself).
/// </summary>
internal static class ImportAggregatesBenchmark
{
    /// <summary>invenio-stats' aggregate documents of a history the size of CDS's (the issue's figure).</summary>
    public const long HistoryDocuments = 50_000_000;

    private const int Days = 365;

    public static async Task<ImportAggregatesReport> RunAsync(BenchmarkStores stores, long documents, MachineInfo machine)
    {
        var dump = Path.Combine(stores.Folder, "aggregates.json.gz");
        var writing = Stopwatch.StartNew();
        var records = WriteDump(dump, documents);
        Progress.Log($"import-aggregates: {documents:N0} documents of {records:N0} records over {Days} days written in {writing.Elapsed.TotalSeconds:N1} s");

        // Not measured: a tenth of the dump into a store of its own, so that the measured runs do not pay for compiling
        // the code (a history import runs for hours; JIT compilation was a fifth of the CPU of a 200,000-document run).
        var warmUp = Path.Combine(stores.Folder, "aggregates-warm-up.json.gz");
        var warmUpDocuments = Math.Max(2_000, documents / 10);
        WriteDump(warmUp, warmUpDocuments);
        await ImportAsync(await MigratedAsync(await stores.CreateAsync("import-aggregates-warm-up")), warmUp, warmUpDocuments, "warm-up");

        var store = await stores.CreateAsync("import-aggregates");
        var contexts = await MigratedAsync(store);
        var first = await ImportAsync(contexts, dump, documents, "first import");
        var again = await ImportAsync(contexts, dump, documents, "again (replacing)");
        store.ClearPool();
        var rate = first.DocumentsPerS;
        return new ImportAggregatesReport(
            [new TargetCheck("import_aggregates_documents_per_s", ">= 200000", rate, rate >= 200_000)],
            first, again,
            Math.Round(HistoryDocuments / (double)Math.Max(1, rate) / 60, 1),
            machine, documents, records, Days);
    }

    private static async Task<StatsDbContextFactory> MigratedAsync(BenchmarkStore store)
    {
        var contexts = new StatsDbContextFactory(store.Provider, store.ConnectionString);
        await new StoreMigrator(contexts, NullLogger<StoreMigrator>.Instance).MigrateAsync();
        return contexts;
    }

    private static async Task<ImportAggregatesRun> ImportAsync(StatsDbContextFactory contexts, string dump, long documents, string label)
    {
        var meter = CostMeter.Start();
        var report = await new AggregateImporter(contexts, TimeProvider.System).ImportInvenioFileAsync(dump);
        var cost = meter.Stop();
        var seconds = meter.Elapsed.TotalSeconds;
        if (report.Failure is not null || report.Imported != documents || report.BadLines > 0)
        {
            throw new InvalidOperationException(
                $"The import stored {report.Imported:N0} of {documents:N0} documents ({report.BadLines:N0} bad lines; {report.Failure ?? "no failure"}).");
        }

        var rate = (long)(documents / Math.Max(seconds, 0.001));
        Progress.Log($"import-aggregates, {label}: {rate:N0} documents/s ({seconds:N1} s)");
        return new ImportAggregatesRun(rate, Math.Round(seconds, 2), (long)(documents / Math.Max(cost.CpuSeconds, 0.1)), cost);
    }

    /// <summary>Half views of records, half downloads of their files; a record has versions of 5-record concepts.</summary>
    private static long WriteDump(string path, long documents)
    {
        var records = Math.Max(10, documents / Days / 2);
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var writer = new StreamWriter(gzip, new UTF8Encoding(false), 1 << 16);
        var start = new DateOnly(2023, 1, 1);
        for (long i = 0; i < documents; i++)
        {
            var record = i / 2 % records;
            var day = start.AddDays((int)(i / 2 / records % Days));
            var recid = "rec-" + record.ToString(CultureInfo.InvariantCulture);
            var parent = "concept-" + (record / 5).ToString(CultureInfo.InvariantCulture);
            var timestamp = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00";
            var month = day.ToString("yyyy-MM", CultureInfo.InvariantCulture);
            writer.Write(i % 2 == 0
                ? $$$"""{"_index":"stats-record-view-{{{month}}}","_id":"ui_{{{recid}}}-{{{timestamp}}}","_source":{"timestamp":"{{{timestamp}}}","count":{{{1 + i % 17}}},"unique_count":{{{1 + i % 11}}},"recid":"{{{recid}}}","parent_recid":"{{{parent}}}","record_id":"9f1c0b52-{{{record}}}","pid_type":"recid","pid_value":"{{{recid}}}","unique_id":"ui_{{{recid}}}","via_api":false,"updated_timestamp":"2024-01-01T00:00:00"}}"""
                : $$$"""{"_index":"stats-file-download-{{{month}}}","_id":"b-{{{record}}}_f-{{{timestamp}}}","_source":{"timestamp":"{{{timestamp}}}","count":{{{1 + i % 7}}},"unique_count":{{{1 + i % 5}}},"volume":{{{1000 * (1 + i % 7)}}},"recid":"{{{recid}}}","parent_recid":"{{{parent}}}","bucket_id":"b-{{{record}}}","file_id":"f-{{{record}}}","file_key":"data/{{{recid}}}.csv","unique_id":"b-{{{record}}}_f-{{{record}}}","updated_timestamp":"2024-01-01T00:00:00"}}""");
            writer.Write('\n');
        }

        return records;
    }
}

/// <summary>One import of the dump.</summary>
/// <param name="DocumentsPerCpuSecond">Documents over the process's CPU seconds: on a shared machine, steadier than the wall-clock rate.</param>
internal sealed record ImportAggregatesRun(long DocumentsPerS, double Seconds, long DocumentsPerCpuSecond, Cost Cost);

/// <summary>What the import-aggregates suite prints.</summary>
/// <param name="ProjectedMinutesFor50MDocuments">A history the size of CDS's at the first import's rate.</param>
internal sealed record ImportAggregatesReport(
    IReadOnlyList<TargetCheck> Targets, ImportAggregatesRun FirstImport, ImportAggregatesRun ReImport, double ProjectedMinutesFor50MDocuments,
    MachineInfo Machine, long Documents, long Records, int Days);
