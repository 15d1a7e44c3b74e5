using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stats.Core.Aggregation;
using Stats.Core.Data;
using Stats.Core.Import;
using Stats.Core.Import.Aggregates;
using Stats.Core.Ingestion;

namespace Stats.Dashboard.Cli;

/// <summary>
/// <c>import &lt;file|folder&gt;...</c>: historic usage from access logs, NDJSON event files and invenio-stats' raw event
/// dumps, through the ingestion path. Each run is recorded (<see cref="ImportRuns"/>): an interrupted run resumes where it
/// stopped when the same files are imported again. Held downloads whose bucket became known are attached, and the days
/// touched are aggregated at the end. Prints counts and line numbers only: the lines themselves hold client addresses
/// and user agents.
/// </summary>
internal static class ImportVerb
{
    public const string Usage = "import <file|folder> [...] [--format auto|combined|ndjson|invenio-events|invenio-aggregates|csv] [--mapping name] [--batch N]";

    private const int MaxBatch = 50_000;

    /// <summary>How long to wait for another instance's aggregation run before leaving the days to the background aggregator.</summary>
    private static readonly TimeSpan s_leaseWait = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(WebApplication app, Invocation invocation, CancellationToken cancellationToken)
    {
        if (!TryReadArguments(invocation, out var format, out var batch))
        {
            Console.Error.WriteLine("Usage: " + Usage);
            return 2;
        }

        var options = app.Configuration.GetSection(ImportOptions.SectionName).Get<ImportOptions>() ?? new ImportOptions();
        if (options.Validate() is { Count: > 0 } problems)
        {
            // Program reports it as every other configuration error: one line naming the setting.
            throw new OptionsValidationException(ImportOptions.SectionName, typeof(ImportOptions), problems);
        }

        var mappingName = invocation.Option("--mapping");
        CsvMapping? mapping = null;
        if (format == ImportFormat.Csv && (mappingName is null || !options.Csv.TryGetValue(mappingName, out mapping)))
        {
            Console.Error.WriteLine(mappingName is null
                ? "--format csv needs --mapping <name>, a mapping of Stats:Import:Csv."
                : $"No mapping '{mappingName}' in Stats:Import:Csv ({(options.Csv.Count == 0 ? "none is configured" : "known: " + string.Join(", ", options.Csv.Keys))}).");
            Console.Error.WriteLine("Usage: " + Usage);
            return 2;
        }

        var services = app.Services;
        await services.GetRequiredService<StoreMigrator>().MigrateAsync(cancellationToken);
        var clock = services.GetRequiredService<TimeProvider>();
        var importer = new EventImporter(services.GetRequiredService<EventIngestor>(), new RouteTable(options.EffectiveRoutes), clock,
            services.GetRequiredService<IDbContextFactory<StatsDbContext>>());

        var files = ImportFiles.Expand(invocation.Words);
        if (files.Count == 0)
        {
            Console.Error.WriteLine($"import: no files in {string.Join(", ", invocation.Words)}.");
            return ExitCodes.Failed;
        }

        var runs = services.GetRequiredService<ImportRuns>();
        var run = await runs.StartAsync(ImportFormats.NameOf(format), files, cancellationToken);
        if (run.Resumed)
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Resuming import run {run.Id}: {run.Files.Count(f => f.Finished)} of {run.Files.Count} files done, {run.Files.Sum(f => f.Done?.LinesDone ?? 0):N0} lines committed."));
        }
        var aggregates = new AggregateImporter(services.GetRequiredService<IDbContextFactory<StatsDbContext>>(), clock);
        var csv = new CsvImport(importer, aggregates);

        var display = new ProgressDisplay(Console.Out, !Console.IsOutputRedirected, clock, files.Sum(SizeOf));
        var reports = new List<FileImportReport>();
        var started = clock.GetTimestamp();
        try
        {
            for (var i = 0; i < files.Count; i++)
            {
                var state = run.Files[i];
                if (state.Finished)
                {
                    reports.Add(FileImportReport.Completed(files[i], state.Done!));
                    display.Skip(SizeOf(files[i]));
                    continue;
                }

                display.StartFile(files[i], i + 1, files.Count);
                var checkpoints = new FileCheckpoints(state.Done, (checkpoint, done, token) => runs.SaveAsync(state.Id, checkpoint, done, token));
                var report = format switch
                {
                    ImportFormat.InvenioAggregates => await aggregates.ImportInvenioFileAsync(files[i], display.Report, cancellationToken),
                    ImportFormat.Csv => await csv.ImportFileAsync(files[i], mappingName!, mapping!, batch, display.Report, cancellationToken),
                    _ => await importer.ImportFileAsync(files[i], format, batch, display.Report, checkpoints, cancellationToken),
                };
                if (format == ImportFormat.Auto && report.Failure == EventImporter.AggregatesNotSupported)
                {
                    // Recognised from its first line as invenio's daily aggregates: nothing was imported yet, the aggregate
                    // importer takes the file (its rows are upserts, so an interrupted run is resumed by running it again).
                    report = await aggregates.ImportInvenioFileAsync(files[i], display.Report, cancellationToken);
                }
                display.EndFile(report, SizeOf(files[i]));
                if (report.Failure is not null)
                {
                    Console.Error.WriteLine($"import: {files[i]}: {report.Failure}");
                }

                reports.Add(report);
            }
        }
        catch (Exception ex) when (StoreOutage.IsOutage(ex))
        {
            // The progress line goes first; VerbFailures says what happened and what stays imported.
            display.Clear();
            throw;
        }

        var attached = await importer.Held.AttachAsync(cancellationToken);
        var waiting = await importer.Held.CountAsync(cancellationToken);
        var failure = reports.FirstOrDefault(r => r.Failure is not null) is { } failed ? $"{failed.File}: {failed.Failure}" : null;
        await runs.FinishAsync(run.Id, reports, failure, cancellationToken);
        Console.Out.Write(Summary(reports, clock.GetElapsedTime(started), attached, waiting));
        var aggregated = await AggregateAsync(services.GetRequiredService<AggregationRunner>(), cancellationToken);
        return aggregated && failure is null ? ExitCodes.Success : ExitCodes.Failed;
    }

    /// <summary>Aggregates the days the import touched (every dirty day), so its numbers show at once; false if it could not.</summary>
    private static async Task<bool> AggregateAsync(AggregationRunner runner, CancellationToken cancellationToken)
    {
        var report = await runner.RunAsync(cancellationToken);
        var waited = TimeSpan.Zero;
        while (!report.LeaseAcquired && waited < s_leaseWait)
        {
            // Another instance is aggregating: it holds the lease for as long as its run takes.
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            waited += TimeSpan.FromSeconds(1);
            report = await runner.RunAsync(cancellationToken);
        }

        if (!report.LeaseAcquired)
        {
            Console.Out.WriteLine("Aggregation: another instance is aggregating; the days imported are aggregated by the next run.");
            return true;
        }

        if (report.Error is not null)
        {
            Console.Error.WriteLine($"import: the events are imported, but aggregating their days failed ({report.Error}); they stay marked and the next run aggregates them.");
            return false;
        }

        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Aggregated {report.Days.Count:N0} days ({report.Days.Sum(d => d.Events):N0} events)."));
        return true;
    }

    /// <summary>The summary printed at the end: totals, skipped requests by reason, the first bad lines of each file.</summary>
    internal static string Summary(IReadOnlyList<FileImportReport> reports, TimeSpan elapsed, long attached = 0, long waiting = 0)
    {
        var text = new StringBuilder();
        void Row(string label, long value, string? note = null, int indent = 2) =>
            text.AppendLine(CultureInfo.InvariantCulture, $"{new string(' ', indent)}{label.PadRight(24 - indent)}{value,12:N0}{note}");

        var lines = reports.Sum(r => r.Lines);
        var imported = reports.Sum(r => r.Imported);
        var duplicates = reports.Sum(r => r.Duplicates);
        var unreadable = reports.Count(r => r.Failure is not null);
        text.AppendLine("Import summary");
        Row("Files", reports.Count, unreadable > 0 ? $"  ({unreadable} unreadable)" : null);
        Row("Lines read", lines);
        Row("Events imported", imported);
        Row("Duplicates", duplicates, duplicates > 0 ? "  (already stored)" : null);
        var held = reports.Sum(r => r.Held);
        if (held > 0 || attached > 0 || waiting > 0)
        {
            Row("Held downloads", held, "  (their bucket's record is not known yet)");
            Row("Attached", attached, "  (held downloads whose record is known now)", indent: 4);
            Row("Still waiting", waiting, indent: 4);
        }

        Row("Skipped", reports.Sum(r => r.SkippedTotal));
        var reasons = reports.SelectMany(r => r.Skipped)
            .GroupBy(p => p.Key, StringComparer.Ordinal)
            .Select(g => (Reason: g.Key, Count: g.Sum(p => p.Value)))
            .OrderByDescending(g => g.Count).ThenBy(g => g.Reason, StringComparer.Ordinal);
        foreach (var (reason, count) in reasons)
        {
            Row(reason, count, indent: 4);
        }

        Row("Bad lines", reports.Sum(r => r.BadLines));
        foreach (var report in reports.Where(r => r.BadLines > 0))
        {
            var shown = report.FirstBadLines;
            var more = report.BadLines > shown.Count ? ", ..." : "";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"    {report.File}: {(report.BadLines == 1 ? "line" : "lines")} {string.Join(", ", shown.Select(b => b.Number.ToString(CultureInfo.InvariantCulture)))}{more}");
            foreach (var first in shown.GroupBy(b => b.Reason, StringComparer.Ordinal).Select(g => g.First()))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"      line {first.Number}: {first.Reason}");
            }
        }

        var seconds = Math.Max(elapsed.TotalSeconds, 0.001);
        text.AppendLine(CultureInfo.InvariantCulture,
            $"  {"Elapsed",-22}{elapsed.TotalSeconds,12:N1} s  ({(imported + duplicates) / seconds:N0} events/s, {lines / seconds:N0} lines/s)");
        return text.ToString();
    }

    private static bool TryReadArguments(Invocation invocation, out ImportFormat format, out int batch)
    {
        format = ImportFormat.Auto;
        batch = EventImporter.DefaultBatchSize;
        if (invocation.Words.Count == 0)
        {
            Console.Error.WriteLine("import needs at least one file.");
            return false;
        }

        if (invocation.Option("--format") is { } formatText && !ImportFormats.TryParse(formatText, out format))
        {
            Console.Error.WriteLine($"Option '--format' is {string.Join(", ", ImportFormats.Names.SkipLast(1))} or {ImportFormats.Names[^1]}, not '{formatText}'.");
            return false;
        }

        if (invocation.Option("--batch") is { } batchText && !(int.TryParse(batchText, out batch) && batch is > 0 and <= MaxBatch))
        {
            Console.Error.WriteLine($"Option '--batch' needs a whole number from 1 to {MaxBatch:N0}, not '{batchText}'.");
            return false;
        }

        return true;
    }

    private static long SizeOf(string path)
    {
        try
        {
            return File.Exists(path) ? new FileInfo(path).Length : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>
    /// On a terminal, one line redrawn at most five times a second (bytes, events/s, ETA); when the output is
    /// redirected (a log file, a pipe), a line per file instead.
    /// </summary>
    private sealed class ProgressDisplay(TextWriter output, bool interactive, TimeProvider clock, long totalBytes)
    {
        private static readonly TimeSpan s_redrawEvery = TimeSpan.FromMilliseconds(200);
        private static readonly int s_maxWidth = TerminalWidth() - 1;

        private readonly long _started = clock.GetTimestamp();
        private long _lastDrawn;
        private long _bytesBefore;
        private long _eventsBefore;
        private int _width;
        private string _label = "";

        public void StartFile(string file, int number, int count)
        {
            var name = Path.GetFileName(file);
            name = name.Length > 24 ? name[..11] + ".." + name[^11..] : name;
            _label = count > 1 ? $"[{number}/{count}] {name}" : name;
        }

        public void Report(ImportProgress progress)
        {
            if (!interactive || (_lastDrawn != 0 && clock.GetElapsedTime(_lastDrawn) < s_redrawEvery))
            {
                return;
            }

            _lastDrawn = clock.GetTimestamp();
            var elapsed = Math.Max(clock.GetElapsedTime(_started).TotalSeconds, 0.001);
            var bytes = _bytesBefore + progress.BytesRead;
            var bytesPerSecond = bytes / elapsed;
            var eta = bytesPerSecond > 0 ? TimeSpan.FromSeconds(Math.Max(0, totalBytes - bytes) / bytesPerSecond) : (TimeSpan?)null;
            var percent = totalBytes > 0 ? Math.Min(100, 100.0 * bytes / totalBytes) : 100;
            Draw(string.Create(CultureInfo.InvariantCulture,
                $"{_label} {Bar(percent)} {percent,3:F0}% {Megabytes(bytes)}/{Megabytes(totalBytes)} MB " +
                $"{(_eventsBefore + progress.Events) / elapsed:N0} events/s ETA {Duration(eta)}"));
        }

        /// <summary>A file an interrupted run had already imported: its bytes count as done.</summary>
        public void Skip(long size) => _bytesBefore += size;

        public void EndFile(FileImportReport report, long size)
        {
            _bytesBefore += size;
            _eventsBefore += report.Imported + report.Duplicates;
            Clear();
            if (report.Failure is not null && report.Lines == 0)
            {
                // Nothing was read: the reason on standard error says it all.
                return;
            }

            var outcome = report.Failure is not null ? $", stopped: {report.Failure}" : "";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{report.File}: {report.Lines:N0} lines, {report.Imported:N0} {(report.Format is ImportFormat.InvenioAggregates or ImportFormat.Csv ? "rows" : "events")} imported, {report.Duplicates:N0} duplicates, " +
                $"{report.SkippedTotal:N0} skipped, {report.BadLines:N0} bad{(report.Held > 0 ? $", {report.Held:N0} held" : "")} ({ImportFormats.NameOf(report.Format)}, {report.Elapsed.TotalSeconds:N1} s){outcome}"));
        }

        public void Clear()
        {
            if (_width > 0)
            {
                output.Write("\r" + new string(' ', _width) + "\r");
                _width = 0;
            }
        }

        private void Draw(string line)
        {
            // A line wider than the terminal wraps, and '\r' then redraws only its last row.
            line = line.Length > s_maxWidth ? line[..s_maxWidth] : line;
            output.Write("\r" + line.PadRight(_width));
            _width = Math.Max(_width, line.Length);
            output.Flush();
        }

        private static int TerminalWidth()
        {
            try
            {
                return Console.WindowWidth > 20 ? Console.WindowWidth : 80;
            }
            catch (Exception ex) when (ex is IOException or PlatformNotSupportedException)
            {
                return 80;
            }
        }

        private static string Bar(double percent)
        {
            const int Width = 10;
            var filled = (int)(percent / 100 * Width);
            return "[" + new string('#', filled) + new string('.', Width - filled) + "]";
        }

        private static string Duration(TimeSpan? duration) => duration switch
        {
            null => "?",
            { TotalHours: >= 1 } t => $"{(int)t.TotalHours}:{t:mm\\:ss}",
            { } t => $"{t.Minutes}:{t:ss}",
        };

        private static string Megabytes(long bytes) => (bytes / 1024.0 / 1024.0).ToString("F1", CultureInfo.InvariantCulture);
    }
}
