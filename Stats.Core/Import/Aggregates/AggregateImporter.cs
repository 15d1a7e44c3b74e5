using System.IO.Compression;
using Microsoft.EntityFrameworkCore;
using Stats.Core.Aggregation;
using Stats.Core.Data;
using Stats.Core.Import.Invenio;

namespace Stats.Core.Import.Aggregates;

/// <summary>
/// Imports daily aggregates counted elsewhere (invenio-stats' indices, CSV tables) into
/// <see cref="ImportedDailyAggregate"/>: streamed, plain or gzip, in batches. A document is keyed by its kind, day and
/// unique id, so importing it again replaces it; a bad one is reported by line and skipped. When a file is done, the
/// imported usage of every day it touched is derived again (<see cref="ImportedUsage"/>), and the queries show it.
/// </summary>
public sealed class AggregateImporter(IDbContextFactory<StatsDbContext> contexts, TimeProvider clock)
{
    /// <summary>The source name of invenio-stats' aggregates.</summary>
    public const string InvenioSource = "invenio";

    public const int DefaultBatchSize = 10_000;

    private readonly ImportedAggregateWriter _writer = new(contexts, clock);

    /// <summary>
    /// Imports one dump of invenio-stats' daily aggregate indices (<c>import --format invenio-aggregates</c>); a file
    /// that cannot be read comes back with <see cref="FileImportReport.Failure"/> set. Failures of the store are thrown.
    /// </summary>
    public Task<FileImportReport> ImportInvenioFileAsync(
        string path, Action<ImportProgress>? progress = null, CancellationToken cancellationToken = default) =>
        ImportFileAsync(path, ImportFormat.InvenioAggregates, InvenioSource, new InvenioAggregateLines(), progress, cancellationToken);

    /// <inheritdoc cref="ImportInvenioFileAsync"/>
    public Task<FileImportReport> ImportInvenioAsync(
        Stream source, string name, Action<ImportProgress>? progress = null, CancellationToken cancellationToken = default) =>
        ImportAsync(source, name, ImportFormat.InvenioAggregates, InvenioSource, new InvenioAggregateLines(), progress, cancellationToken);

    /// <summary>Imports a file whose lines <paramref name="reader"/> reads, as the aggregates of <paramref name="sourceName"/>.</summary>
    public async Task<FileImportReport> ImportFileAsync(
        string path, ImportFormat format, string sourceName, IAggregateLineReader reader, Action<ImportProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (Directory.Exists(path))
        {
            return new FileImportReport(path) { Format = format, Failure = "a folder, not a file" };
        }

        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 64 * 1024, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new FileImportReport(path) { Format = format, Failure = ex is UnauthorizedAccessException ? "permission denied" : EventImporter.ReasonOf(ex) };
        }

        await using (file)
        {
            return await ImportAsync(file, path, format, sourceName, reader, progress, cancellationToken);
        }
    }

    /// <summary>Imports a stream (gzip-compressed when it starts with the gzip magic bytes and can seek back).</summary>
    public async Task<FileImportReport> ImportAsync(
        Stream source, string name, ImportFormat format, string sourceName, IAggregateLineReader reader, Action<ImportProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var started = clock.GetTimestamp();
        var report = new FileImportReport(name) { Format = format };
        var run = new ImportedAggregateWriter.Run(_writer, sourceName, report);
        try
        {
            await using var decompressed = await EventImporter.IsGzipAsync(source, name, cancellationToken)
                ? new GZipStream(source, CompressionMode.Decompress, leaveOpen: true)
                : null;
            await ReadAsync(decompressed ?? source, () => source.CanSeek ? source.Position : 0, reader, run, progress, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            // The documents read before the error are imported; the rest of the file is not.
            report.Failure = report.Lines == 0 ? EventImporter.ReasonOf(ex) : $"unreadable after line {report.Lines} ({EventImporter.ReasonOf(ex)})";
        }
        finally
        {
            // Whatever was stored counts, however the file ended: its days show it.
            await run.CompleteAsync(cancellationToken);
            report.Elapsed = clock.GetElapsedTime(started);
        }

        return report;
    }

    private static async Task ReadAsync(
        Stream content, Func<long> position, IAggregateLineReader reader, ImportedAggregateWriter.Run run, Action<ImportProgress>? progress,
        CancellationToken cancellationToken)
    {
        var lines = new LineReader(content);
        var report = run.Report;
        var documents = new List<AggregateDocument>(DefaultBatchSize);
        var bad = new List<BadLine>();
        do
        {
            while (lines.TryReadLine(out var line, out var overlong))
            {
                report.Lines = lines.LineNumber;
                if (overlong)
                {
                    report.Bad(lines.LineNumber, $"longer than {LineReader.MaxLineBytes / 1024 / 1024} MiB");
                    continue;
                }

                if (lines.LineNumber == 1 && line.StartsWith("\uFEFF"u8))
                {
                    line = line[3..];
                }

                line = line.Trim(" \t\r"u8);
                if (line.IsEmpty)
                {
                    continue;
                }

                if (reader.Read(line, lines.LineNumber, documents, bad) is { } problem)
                {
                    report.Bad(lines.LineNumber, problem);
                }

                foreach (var b in bad)
                {
                    report.Bad(b.Number, b.Reason);
                }

                bad.Clear();
                if (documents.Count >= DefaultBatchSize)
                {
                    await run.SendAsync(documents, cancellationToken);
                    documents = new List<AggregateDocument>(DefaultBatchSize);
                    progress?.Invoke(new ImportProgress(position(), report.Lines, run.Sent));
                }
            }

            progress?.Invoke(new ImportProgress(position(), report.Lines, run.Sent));
        }
        while (await lines.FillAsync(cancellationToken));

        if (reader.Finish() is { } unfinished)
        {
            report.Bad(unfinished.Number, unfinished.Reason);
        }

        await run.SendAsync(documents, cancellationToken);
        progress?.Invoke(new ImportProgress(position(), report.Lines, run.Sent));
    }
}
