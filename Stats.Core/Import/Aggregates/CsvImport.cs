using System.IO.Compression;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;

namespace Stats.Core.Import.Aggregates;

/// <summary>
/// <c>import --format csv --mapping &lt;name&gt;</c>: a CSV table read by a named <see cref="CsvMapping"/>. Event rows become
/// NDJSON events on their way to the <see cref="EventImporter"/> (the API's field rules, anonymisation and idempotence
/// apply); daily-aggregate rows go to the <see cref="AggregateImporter"/> with the mapping's name as their source.
/// </summary>
public sealed class CsvImport(EventImporter events, AggregateImporter aggregates)
{
    /// <summary>Fields written as JSON numbers: the others are strings, as the API reads them.</summary>
    private static readonly HashSet<string> s_numbers = new(StringComparer.Ordinal) { "size" };

    public async Task<FileImportReport> ImportFileAsync(
        string path, string name, CsvMapping mapping, int batchSize = EventImporter.DefaultBatchSize, Action<ImportProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (mapping.Rows == CsvRows.DailyAggregates)
        {
            return await aggregates.ImportFileAsync(path, ImportFormat.Csv, name, new CsvAggregateLines(name, mapping), progress, cancellationToken);
        }

        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 64 * 1024, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new FileImportReport(path) { Format = ImportFormat.Csv, Failure = ex is UnauthorizedAccessException ? "permission denied" : EventImporter.ReasonOf(ex) };
        }

        await using (file)
        {
            var pipe = new Pipe();
            var converting = ConvertAsync(file, path, mapping, pipe.Writer, cancellationToken);
            FileImportReport report;
            try
            {
                // The NDJSON is plain whatever the table was: a name ending in .gz would make the importer unzip it again.
                var plainName = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
                report = await events.ImportAsync(pipe.Reader.AsStream(), plainName, ImportFormat.Ndjson, batchSize, progress, cancellationToken: cancellationToken);
            }
            finally
            {
                // A reader that stopped early releases the converter, which would otherwise wait for room in the pipe.
                await pipe.Reader.CompleteAsync();
                await converting;
            }

            report.Format = ImportFormat.Csv;
            return report;
        }
    }

    /// <summary>
    /// Writes one NDJSON line per CSV line, so that the event importer's line numbers are the table's: the header and blank
    /// lines become blank lines.
    /// </summary>
    private static async Task ConvertAsync(Stream file, string path, CsvMapping mapping, PipeWriter output, CancellationToken cancellationToken)
    {
        try
        {
            await using var decompressed = await EventImporter.IsGzipAsync(file, path, cancellationToken)
                ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true)
                : null;
            var lines = new LineReader(decompressed ?? file);
            var columns = new Dictionary<string, int>(StringComparer.Ordinal);
            var headerRead = false;
            var buffer = new ArrayBufferWriterStream();
            do
            {
                while (lines.TryReadLine(out var line, out _))
                {
                    // Tabs may delimit: a line is blank only if it has nothing but spaces, and its columns keep their places.
                    var text = Encoding.UTF8.GetString(line).TrimStart('\uFEFF');
                    text = string.IsNullOrWhiteSpace(text) ? "" : text;
                    if (text.Length > 0 && !headerRead)
                    {
                        headerRead = true;
                        if (CsvLine.Header(text, mapping, columns) is { } problem)
                        {
                            throw new InvalidDataException(problem);
                        }
                    }
                    else if (text.Length > 0)
                    {
                        // Without an id column, the line's own id makes a second import of the table store nothing twice.
                        var id = columns.ContainsKey("id") ? null : EventImporter.LineId(lines.LineNumber, line);
                        WriteEvent(buffer.Writer, CsvLine.Split(text, mapping.Separator), columns, mapping, id);
                    }

                    buffer.Writer.Flush();
                    await output.WriteAsync(buffer.Take(), cancellationToken);
                    await output.WriteAsync("\n"u8.ToArray(), cancellationToken);
                }
            }
            while (await lines.FillAsync(cancellationToken));

            await output.CompleteAsync();
        }
        catch (Exception ex)
        {
            // The event importer reads the error where the stream breaks: it reports the file unreadable after that line.
            await output.CompleteAsync(ex is InvalidDataException ? new IOException(ex.Message, ex) : ex);
        }
    }

    private static void WriteEvent(Utf8JsonWriter json, List<string> values, Dictionary<string, int> columns, CsvMapping mapping, string? id)
    {
        json.WriteStartObject();
        if (id is not null)
        {
            json.WriteString("id", id);
        }

        if (mapping.Type is { } type && !columns.ContainsKey("type"))
        {
            json.WriteString("type", type);
        }

        foreach (var (field, index) in columns)
        {
            if (index >= values.Count || values[index].Length == 0)
            {
                continue;
            }

            if (s_numbers.Contains(field) && long.TryParse(values[index], out var number))
            {
                json.WriteNumber(field, number);
            }
            else
            {
                json.WriteString(field, values[index]);
            }
        }

        json.WriteEndObject();
    }

    /// <summary>A JSON writer over a reusable buffer, emptied line by line.</summary>
    private sealed class ArrayBufferWriterStream
    {
        private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new();

        public ArrayBufferWriterStream() => Writer = new Utf8JsonWriter(_buffer);

        public Utf8JsonWriter Writer { get; }

        public ReadOnlyMemory<byte> Take()
        {
            var copy = _buffer.WrittenMemory.ToArray();
            _buffer.Clear();
            Writer.Reset(_buffer);
            return copy;
        }
    }
}
