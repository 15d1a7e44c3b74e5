using System.Buffers;
using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Data;
using Stats.Core.Events;
using Stats.Core.Import;
using Stats.Core.Ingestion;

namespace Stats.Benchmarks;

/// <summary>One file imported: documents (or events) read, stored, and how fast.</summary>
/// <param name="DocumentsPerCpuSecond">Documents over the process's CPU seconds: on a shared machine, steadier than the wall-clock rate.</param>
internal sealed record ImportRunFigures(
    string Format, long Documents, long Imported, long Duplicates, long Held, long BadLines, double Seconds, long DocumentsPerS, long DocumentsPerCpuSecond,
    long FileBytes, Cost Cost);

/// <summary>The <c>import</c> suite: invenio raw events from a gzip elasticdump against our own NDJSON, the same traffic.</summary>
internal sealed record ImportSuiteReport(
    long InvenioDocumentsPerS,
    long NdjsonEventsPerS,
    double InvenioVsNdjson,
    long RawInsertCeilingRowsPerS,
    double InvenioVsCeiling,
    double ProjectedHoursFor200MillionRawEvents,
    IReadOnlyList<TargetCheck> Targets,
    MachineInfo Machine,
    IReadOnlyList<ImportRunFigures> Runs,
    double TotalSeconds);

/// <summary>
/// The same generated live traffic written twice, gzip-compressed: as invenio-stats' raw event indices dumped by
/// elasticdump (anonymised: country, robot flag, visitor and session digests) and as our own NDJSON (addresses and user
/// agents, which the import enriches). Each file is imported by the product's <see cref="EventImporter"/> into a store
/// of its own, as the <c>import</c> verb does.
/// </summary>
internal static class ImportBenchmark
{
    private static readonly JsonWriterOptions s_json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly string[] s_countries = ["CH", "US", "DE", "FR", "GB", "IT", "ES", "CN", "JP", "IN", "BR", "NL"];

    public static async Task<ImportSuiteReport> RunAsync(BenchmarkStores stores, MachineInfo machine, long documents, string folder)
    {
        var total = Stopwatch.StartNew();
        var end = DateTimeOffset.UtcNow.AddMinutes(-2);
        var invenio = Path.Combine(folder, "events-stats.json.gz");
        var ndjson = Path.Combine(folder, "events.ndjson.gz");
        Progress.Log($"import: writing {documents:N0} documents as a gzip elasticdump and as gzip NDJSON");
        await WriteFilesAsync(documents, end, invenio, ndjson);

        // Each import starts with the disk writes before it flushed, so that their write-back does not land in it (and
        // the NDJSON store is gone before the invenio import): runs whose writes were still dirty measured 20% slower.
        var ndjsonStore = await stores.CreateAsync("import-ndjson");
        BenchmarkStores.FlushDiskWrites();
        var ours = await ImportAsync(ndjsonStore, ndjson, ImportFormat.Ndjson);
        Progress.Log($"import: NDJSON {ours.DocumentsPerS:N0} events/s");
        await stores.DropAsync(ndjsonStore);
        var invenioStore = await stores.CreateAsync("import-invenio");
        BenchmarkStores.FlushDiskWrites();
        var theirs = await ImportAsync(invenioStore, invenio, ImportFormat.InvenioEvents);
        Progress.Log($"import: invenio-events {theirs.DocumentsPerS:N0} documents/s");

        // What the store takes of the same rows with nothing around the insert, measured now (the machine is shared).
        var rows = await RawInsertCeilingBenchmark.LoadRowsAsync(invenioStore);
        var ceiling = await RawInsertCeilingBenchmark.RunAsync(await stores.CreateAsync("import-ceiling"), rows, rows.Count / 10);
        Progress.Log($"import: raw insert ceiling {ceiling.RowsPerS:N0} rows/s");

        var ratio = Math.Round(theirs.DocumentsPerS / (double)Math.Max(1, ours.DocumentsPerS), 3);
        return new ImportSuiteReport(
            theirs.DocumentsPerS, ours.DocumentsPerS, ratio, ceiling.RowsPerS, Math.Round(theirs.DocumentsPerS / (double)Math.Max(1, ceiling.RowsPerS), 3),
            Math.Round(200_000_000.0 / Math.Max(1, theirs.DocumentsPerS) / 3600, 1),
            [
                new("invenio_events_documents_per_s", ">= 100000", theirs.DocumentsPerS, theirs.DocumentsPerS >= 100_000),
                new("invenio_vs_ndjson", ">= 0.6", ratio, ratio >= 0.6),
            ],
            machine, [ours, theirs], Math.Round(total.Elapsed.TotalSeconds, 1));
    }

    private static async Task<ImportRunFigures> ImportAsync(BenchmarkStore store, string path, ImportFormat format)
    {
        await using var host = await IngestionHost.StartAsync(store);
        var services = host.Services;
        var importer = new EventImporter(
            services.GetRequiredService<EventIngestor>(), new RouteTable(ImportOptions.DefaultRoutes), TimeProvider.System,
            services.GetRequiredService<IDbContextFactory<StatsDbContext>>());
        var meter = CostMeter.Start();
        var report = await importer.ImportFileAsync(path, format);
        var cost = meter.Stop();
        if (report.Failure is not null || report.BadLines > 0)
        {
            throw new InvalidOperationException($"The {format} import failed ({report.Failure}) or had {report.BadLines:N0} bad lines.");
        }

        var read = report.Imported + report.Duplicates + report.Held;
        return new ImportRunFigures(ImportFormats.NameOf(format), read, report.Imported, report.Duplicates, report.Held, report.BadLines,
            cost.Seconds, (long)(read / meter.Elapsed.TotalSeconds), (long)(read / Math.Max(cost.CpuSeconds, 0.1)), new FileInfo(path).Length, cost);
    }

    /// <summary>The same events in both files, in the same order.</summary>
    private static async Task WriteFilesAsync(long documents, DateTimeOffset end, string invenio, string ndjson)
    {
        var generator = new TrafficGenerator(seed: 7, documents, end, TimeSpan.FromHours(47));
        await using var invenioFile = new GZipStream(File.Create(invenio), CompressionLevel.Fastest);
        await using var ndjsonFile = new GZipStream(File.Create(ndjson), CompressionLevel.Fastest);
        var invenioLines = new ArrayBufferWriter<byte>(1 << 20);
        var ndjsonLines = new ArrayBufferWriter<byte>(1 << 20);
        long written = 0;
        for (var remaining = documents; remaining > 0; remaining -= 5_000)
        {
            foreach (var e in generator.Next((int)Math.Min(5_000, remaining)))
            {
                WriteElasticdumpLine(invenioLines, e, written++);
                invenioLines.Write("\n"u8);
                EventJson.WriteLine(ndjsonLines, e);
                ndjsonLines.Write("\n"u8);
            }

            await invenioFile.WriteAsync(invenioLines.WrittenMemory);
            await ndjsonFile.WriteAsync(ndjsonLines.WrittenMemory);
            invenioLines.Clear();
            ndjsonLines.Clear();
        }
    }

    /// <summary>What invenio-stats indexes for such an event (InvenioRDM field set): anonymised, with SHA-224 digests.</summary>
    private static void WriteElasticdumpLine(IBufferWriter<byte> buffer, IncomingEvent e, long number)
    {
        var download = e.Type == EventCatalog.FileDownload;
        var day = e.Timestamp.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var visitor = e.UserId ?? e.SessionId ?? e.IpAddress + "|" + e.UserAgent;
        using var writer = new Utf8JsonWriter(buffer, s_json);
        writer.WriteStartObject();
        writer.WriteString("_index", download ? "events-stats-file-download-" + day[..7] : "events-stats-record-view-" + day[..7]);
        writer.WriteString("_id", number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        writer.WriteStartObject("_source");
        writer.WriteString("timestamp", e.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture));
        writer.WriteString("recid", e.Recid);
        writer.WriteString("parent_recid", e.ParentRecid ?? e.Recid);
        if (download)
        {
            writer.WriteString("bucket_id", "bucket-" + e.Recid);
            writer.WriteString("file_key", e.FileKey);
            writer.WriteNumber("size", e.Size ?? 0);
        }

        writer.WriteBoolean("via_api", e.ViaApi);
        writer.WriteString("country", s_countries[(int)(number % s_countries.Length)]);
        writer.WriteString("visitor_id", Digest(day + visitor));
        writer.WriteString("unique_session_id", Digest(day + e.Timestamp.UtcDateTime.Hour + visitor));
        writer.WriteBoolean("is_robot", e.UserAgent?.Contains("bot", StringComparison.OrdinalIgnoreCase) == true);
        writer.WriteBoolean("is_machine", false);
        writer.WriteString("unique_id", download ? "bucket-" + e.Recid + "_" + e.FileKey : "recid_" + e.Recid);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static string Digest(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)).AsSpan(0, 28));
}
