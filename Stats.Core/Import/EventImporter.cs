using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Stats.Core.Ingestion;

namespace Stats.Core.Import;

/// <summary>
/// Imports historic usage from files: access logs (mapped to events by the routes) and NDJSON event files (read by
/// <see cref="EventReader"/>, so the API's field rules apply). Files are streamed, plain or gzip, and events go to
/// the <see cref="EventIngestor"/> in batches like any client's: enriched, anonymised, and stored once.
/// </summary>
public sealed class EventImporter(EventIngestor ingestor, RouteTable routes, TimeProvider clock)
{
    public const int DefaultBatchSize = 5_000;

    private static readonly byte[] s_gzipMagic = [0x1f, 0x8b];

    private readonly EventIngestor _ingestor = ingestor;
    private readonly AccessLogMapper _mapper = new(routes);

    /// <summary>
    /// Imports one file; a file that cannot be opened or read comes back with <see cref="FileImportReport.Failure"/>
    /// set (what was committed before a read error stays). Failures of the store are thrown.
    /// </summary>
    public async Task<FileImportReport> ImportFileAsync(
        string path, ImportFormat format = ImportFormat.Auto, int batchSize = DefaultBatchSize, Action<ImportProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (Directory.Exists(path))
        {
            return new FileImportReport(path) { Failure = "a folder, not a file" };
        }

        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 64 * 1024, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new FileImportReport(path) { Failure = ex is UnauthorizedAccessException ? "permission denied" : ReasonOf(ex) };
        }

        await using (file)
        {
            return await ImportAsync(file, path, format, batchSize, progress, cancellationToken);
        }
    }

    /// <summary>Imports a stream (gzip-compressed when it starts with the gzip magic bytes and can seek back).</summary>
    public async Task<FileImportReport> ImportAsync(
        Stream source, string name, ImportFormat format = ImportFormat.Auto, int batchSize = DefaultBatchSize,
        Action<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var started = clock.GetTimestamp();
        var run = new Run(this, new FileImportReport(name) { Format = format }, batchSize);
        try
        {
            await using var decompressed = await IsGzipAsync(source, name, cancellationToken)
                ? new GZipStream(source, CompressionMode.Decompress, leaveOpen: true)
                : null;
            await run.ReadAsync(decompressed ?? source, () => source.CanSeek ? source.Position : 0, progress, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            // The lines read before the error are imported; the rest of the file is not.
            run.Report.Failure = run.Report.Lines == 0 ? ReasonOf(ex) : $"unreadable after line {run.Report.Lines} ({ReasonOf(ex)})";
            await run.SendRestAsync(cancellationToken);
        }
        finally
        {
            await run.CompleteAsync();
            run.Report.Elapsed = clock.GetElapsedTime(started);
        }

        return run.Report;
    }

    /// <summary>By the magic bytes when the stream can seek back to its start, else by the name.</summary>
    internal static async Task<bool> IsGzipAsync(Stream source, string name, CancellationToken cancellationToken)
    {
        if (!source.CanSeek)
        {
            return name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        }

        var magic = new byte[2];
        var read = await source.ReadAtLeastAsync(magic, 2, throwOnEndOfStream: false, cancellationToken);
        source.Position = 0;
        return read == 2 && magic.AsSpan().SequenceEqual(s_gzipMagic);
    }

    internal static string ReasonOf(Exception ex) => ex switch
    {
        FileNotFoundException or DirectoryNotFoundException => "no such file",
        InvalidDataException => "not valid gzip data",
        _ => ex.Message,
    };

    /// <summary>The deterministic id of a log line: its content and its number, so importing it again is a duplicate.</summary>
    internal static string LineId(long lineNumber, ReadOnlySpan<byte> line)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(line.Length + 8);
        try
        {
            BinaryPrimitives.WriteInt64LittleEndian(buffer, lineNumber);
            line.CopyTo(buffer.AsSpan(8));
            Span<byte> digest = stackalloc byte[32];
            SHA256.HashData(buffer.AsSpan(0, line.Length + 8), digest);
            return "log:" + Convert.ToHexStringLower(digest[..16]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The state of one file's import: the batch being filled, the batch being committed, the report.</summary>
    private sealed class Run(EventImporter importer, FileImportReport report, int batchSize)
    {
        private readonly ArrayBufferWriter<byte> _ndjson = new();
        private readonly List<long> _ndjsonLines = [];
        private Batch _batch = new(batchSize);
        private Task<(Batch Batch, IngestResult Result)>? _committing;
        private long _events;

        public FileImportReport Report { get; } = report;

        public async Task ReadAsync(Stream content, Func<long> position, Action<ImportProgress>? progress, CancellationToken cancellationToken)
        {
            var lines = new LineReader(content);
            do
            {
                while (ReadLines(lines))
                {
                    await FlushAsync(cancellationToken);
                    progress?.Invoke(new ImportProgress(position(), Report.Lines, _events));
                }

                progress?.Invoke(new ImportProgress(position(), Report.Lines, _events));
            }
            while (await lines.FillAsync(cancellationToken));

            await SendRestAsync(cancellationToken);
            progress?.Invoke(new ImportProgress(position(), Report.Lines, _events));
        }

        /// <summary>Sends what was read but not sent yet: the last, partial batch.</summary>
        public async Task SendRestAsync(CancellationToken cancellationToken)
        {
            ReadNdjsonChunk();
            await FlushAsync(cancellationToken);
        }

        /// <summary>Waits for the batch being committed and accounts for it; called however the import ends.</summary>
        public async Task CompleteAsync()
        {
            if (_committing is { } committing)
            {
                _committing = null;
                Account(await committing);
            }
        }

        /// <summary>Reads the lines in the buffer; true when a batch is full and must be sent before reading on.</summary>
        private bool ReadLines(LineReader lines)
        {
            while (lines.TryReadLine(out var line, out var overlong))
            {
                Report.Lines = lines.LineNumber;
                if (overlong)
                {
                    Report.Bad(lines.LineNumber, $"longer than {LineReader.MaxLineBytes / 1024 / 1024} MiB");
                    continue;
                }

                if (lines.LineNumber == 1 && line.StartsWith("\uFEFF"u8))
                {
                    line = line[3..];
                }

                // The blank test of EventReader.ReadNdjson, so that its indexes stay those of the lines given to it.
                line = line.Trim(" \t\r"u8);
                if (line.IsEmpty)
                {
                    continue;
                }

                if (Report.Format == ImportFormat.Auto)
                {
                    Report.Format = line.StartsWith("{"u8) ? ImportFormat.Ndjson : ImportFormat.Combined;
                }

                if (Report.Format == ImportFormat.Ndjson)
                {
                    _ndjson.Write(line);
                    _ndjson.Write("\n"u8);
                    _ndjsonLines.Add(lines.LineNumber);
                    if (_ndjsonLines.Count >= batchSize)
                    {
                        ReadNdjsonChunk();
                    }
                }
                else
                {
                    ReadLogLine(lines.LineNumber, line);
                }

                if (_batch.Events.Count >= batchSize)
                {
                    return true;
                }
            }

            return false;
        }

        private void ReadLogLine(long number, ReadOnlySpan<byte> line)
        {
            if (!CombinedLogParser.TryParse(Encoding.UTF8.GetString(line), out var entry, out var error))
            {
                Report.Bad(number, error!);
                return;
            }

            var mapping = importer._mapper.Map(entry!, LineId(number, line));
            if (mapping.Event is { } e)
            {
                _batch.Add(e, number);
            }
            else if (mapping.SkipReason is { } reason)
            {
                Report.Skip(reason);
            }
            else
            {
                Report.Bad(number, mapping.Error!);
            }
        }

        /// <summary>Reads the NDJSON lines gathered so far with the API's reader; its indexes are positions in <see cref="_ndjsonLines"/>.</summary>
        private void ReadNdjsonChunk()
        {
            if (_ndjsonLines.Count == 0)
            {
                return;
            }

            try
            {
                var read = EventReader.ReadNdjson(_ndjson.WrittenSpan, int.MaxValue);
                foreach (var rejected in read.Rejected)
                {
                    Report.Bad(_ndjsonLines[rejected.Index], string.Join("; ", rejected.Errors));
                }

                foreach (var (index, e) in read.Events)
                {
                    _batch.Add(e, _ndjsonLines[index]);
                }
            }
            catch (MalformedBatchException)
            {
                // Not one line of the chunk is JSON.
                foreach (var number in _ndjsonLines)
                {
                    Report.Bad(number, "the line is not valid JSON");
                }
            }

            _ndjson.Clear();
            _ndjsonLines.Clear();
        }

        /// <summary>Sends the full batch once the previous one is committed: the next batch is parsed while this one commits.</summary>
        private async Task FlushAsync(CancellationToken cancellationToken)
        {
            await CompleteAsync();
            if (_batch.Events.Count == 0)
            {
                return;
            }

            var batch = _batch;
            _batch = new Batch(batchSize);
            _events += batch.Events.Count;
            _committing = IngestAsync(batch, cancellationToken);
        }

        private async Task<(Batch, IngestResult)> IngestAsync(Batch batch, CancellationToken cancellationToken) =>
            (batch, await importer._ingestor.IngestAsync(batch.Events, cancellationToken));

        private void Account((Batch Batch, IngestResult Result) committed)
        {
            var (batch, result) = committed;
            Report.Imported += result.Accepted;
            Report.Duplicates += result.Duplicates;
            foreach (var rejected in result.Rejected)
            {
                Report.Bad(batch.Lines[rejected.Index], string.Join("; ", rejected.Errors));
            }
        }
    }

    /// <summary>Events on their way to the ingestor, with the line each came from.</summary>
    private sealed class Batch(int capacity)
    {
        public List<IncomingEvent> Events { get; } = new(capacity);

        public List<long> Lines { get; } = new(capacity);

        public void Add(IncomingEvent e, long line)
        {
            Events.Add(e);
            Lines.Add(line);
        }
    }
}
