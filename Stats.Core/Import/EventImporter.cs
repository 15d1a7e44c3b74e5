using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Stats.Core.Catalog;
using Stats.Core.Data;
using Stats.Core.Import.Invenio;
using Stats.Core.Ingestion;

namespace Stats.Core.Import;

/// <summary>
/// Imports historic usage from files: access logs (mapped to events by the routes), NDJSON event files (read by
/// <see cref="EventReader"/>, so the API's field rules apply) and dumps of invenio-stats' raw event indices (read by
/// <see cref="IndexDumpLines"/> and <see cref="InvenioEventMapper"/>). Files are streamed, plain or gzip, and events go to
/// the <see cref="EventIngestor"/> in batches like any client's: enriched, anonymised, and stored once. History is
/// accepted however old (<see cref="EventIngestor.PrepareHistoryAsync"/>).
/// </summary>
public sealed class EventImporter(EventIngestor ingestor, RouteTable routes, TimeProvider clock, IDbContextFactory<StatsDbContext> contextFactory)
{
    public const int DefaultBatchSize = 5_000;

    /// <summary>
    /// Batches sent and not yet committed, at most: enough for the reading, the anonymising and the writer to run at
    /// once (one batch in flight left an import on one core), few enough to bound memory.
    /// </summary>
    private const int BatchesInFlight = 4;

    /// <summary>The one line an import of invenio daily aggregates ends with, until they can be imported.</summary>
    public const string AggregatesNotSupported = "invenio daily aggregates (invenio-aggregates) are not events: the aggregate importer reads them";

    private static readonly byte[] s_gzipMagic = [0x1f, 0x8b];

    private readonly EventIngestor _ingestor = ingestor;
    private readonly AccessLogMapper _mapper = new(routes);
    private readonly HeldDownloads _held = new(contextFactory, ingestor, clock);

    /// <summary>The recid of each bucket looked up so far; a bucket learned later is looked up again.</summary>
    private readonly Dictionary<string, string> _bucketRecids = new(StringComparer.Ordinal);

    /// <summary>Downloads held until their bucket is known.</summary>
    public HeldDownloads Held => _held;

    /// <summary>
    /// Imports one file; a file that cannot be opened or read comes back with <see cref="FileImportReport.Failure"/>
    /// set (what was committed before a read error stays). Failures of the store are thrown.
    /// </summary>
    /// <param name="checkpoints">Where an interrupted run of this file stopped, and where to save how far this one gets.</param>
    public async Task<FileImportReport> ImportFileAsync(
        string path, ImportFormat format = ImportFormat.Auto, int batchSize = DefaultBatchSize, Action<ImportProgress>? progress = null,
        FileCheckpoints? checkpoints = null, CancellationToken cancellationToken = default)
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
            return await ImportAsync(file, path, format, batchSize, progress, checkpoints, cancellationToken);
        }
    }

    /// <summary>Imports a stream (gzip-compressed when it starts with the gzip magic bytes and can seek back).</summary>
    public async Task<FileImportReport> ImportAsync(
        Stream source, string name, ImportFormat format = ImportFormat.Auto, int batchSize = DefaultBatchSize,
        Action<ImportProgress>? progress = null, FileCheckpoints? checkpoints = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var started = clock.GetTimestamp();
        var run = new Run(this, new FileImportReport(name) { Format = format }, batchSize, checkpoints);
        if (format == ImportFormat.InvenioAggregates)
        {
            run.Report.Failure = AggregatesNotSupported;
            return run.Report;
        }

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
        catch (UnsupportedFormatException ex)
        {
            run.Report.Failure = ex.Message;
        }
        finally
        {
            await run.CompleteAsync();
            run.Report.Elapsed = clock.GetElapsedTime(started);
        }

        await run.FinishedAsync(cancellationToken);
        return run.Report;
    }

    /// <summary>
    /// Gives the contrib downloads of a batch (a bucket, no recid) the record of their bucket where it is known, and
    /// returns the others, which are held.
    /// </summary>
    private async Task<List<int>> ResolveBucketsAsync(List<IncomingEvent> events, CancellationToken cancellationToken)
    {
        var unresolved = new List<int>();
        // A document naming both (InvenioRDM) tells the bucket's record to the contrib documents of the same batch.
        foreach (var e in events)
        {
            if (e.Recid is { } known && e.BucketId is { } bucket)
            {
                _bucketRecids.TryAdd(bucket, known);
            }
        }

        var missing = events.Where(e => e.Recid is null && e.BucketId is { } b && !_bucketRecids.ContainsKey(b)).Select(e => e.BucketId!).Distinct().ToList();
        if (missing.Count > 0)
        {
            await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
            foreach (var found in await CatalogKeys.RecordsOfBuckets(context, missing).ToListAsync(cancellationToken))
            {
                _bucketRecids[found.BucketId] = found.Recid;
            }
        }

        for (var i = 0; i < events.Count; i++)
        {
            // Without a bucket either, the ingestion refuses it with its reason.
            if (events[i].Recid is not null || events[i].BucketId is null)
            {
                continue;
            }

            if (_bucketRecids.TryGetValue(events[i].BucketId!, out var recid))
            {
                events[i] = InvenioEventMapper.WithRecid(events[i], recid);
            }
            else
            {
                unresolved.Add(i);
            }
        }

        return unresolved;
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
    private sealed class Run
    {
        private readonly EventImporter _importer;
        private readonly int _batchSize;
        private readonly FileCheckpoints? _checkpoints;
        private readonly long _resumeAfter;
        private readonly ArrayBufferWriter<byte> _ndjson = new();
        private readonly List<long> _ndjsonLines = [];
        private readonly IndexDumpLines _dump = new(keepSources: false);
        private readonly List<DumpDocument> _documents = [];
        private readonly List<IncomingEvent> _lineEvents = [];
        private readonly Queue<Task<(Batch Batch, IngestResult Result, int Held)>> _committing = new();
        private Batch _batch;

        /// <summary>The last batch sent has resolved its buckets and held what it could not resolve.</summary>
        private Task _resolved = Task.CompletedTask;

        /// <summary>The last batch sent is queued for the writer.</summary>
        private Task _queued = Task.CompletedTask;

        private long _events;
        private long _parseBad;
        private long _rejected;
        private (byte[] Line, long Number)? _undecided;
        private bool _fullyRead;
        private bool _failed;

        public Run(EventImporter importer, FileImportReport report, int batchSize, FileCheckpoints? checkpoints)
        {
            _importer = importer;
            _batchSize = batchSize;
            _checkpoints = checkpoints;
            _batch = new Batch(batchSize);
            Report = report;
            if (checkpoints?.Done is { } done)
            {
                Report.Resume(done);
                _resumeAfter = done.LinesDone;
                _parseBad = done.BadLines;
            }
        }

        public FileImportReport Report { get; }

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

            if (_undecided is { } undecided)
            {
                // A file of one bulk action line: it has no document.
                _undecided = null;
                Report.Format = ImportFormat.InvenioEvents;
                ParseBad(undecided.Number, "a bulk action line without its source line");
            }

            if (Report.Format == ImportFormat.InvenioEvents && _dump.UnfinishedActionLine is { } action)
            {
                ParseBad(action, "a bulk action line without its source line");
            }

            await SendRestAsync(cancellationToken);
            await CompleteAsync();
            Report.Lines = lines.LineNumber;
            _fullyRead = true;
            progress?.Invoke(new ImportProgress(position(), Report.Lines, _events));
        }

        /// <summary>Sends what was read but not sent yet: the last, partial batch.</summary>
        public async Task SendRestAsync(CancellationToken cancellationToken)
        {
            ReadNdjsonChunk();
            await FlushAsync(cancellationToken);
        }

        /// <summary>Waits for every batch sent and accounts for them in file order; called however the import ends.</summary>
        public async Task CompleteAsync()
        {
            Exception? failure = null;
            while (_committing.Count > 0)
            {
                try
                {
                    await SettleOldestAsync();
                }
                catch (Exception ex)
                {
                    failure ??= ex;
                }
            }

            if (failure is not null)
            {
                ExceptionDispatchInfo.Throw(failure);
            }
        }

        /// <summary>
        /// Waits for the oldest batch sent and accounts for it. Once a batch or its accounting failed, the later batches
        /// are waited for but not accounted: the checkpoint stays before the failed batch, and a resumed run reads them
        /// again (stored once: their ids are the same).
        /// </summary>
        private async Task SettleOldestAsync()
        {
            var committing = _committing.Dequeue();
            try
            {
                var committed = await committing;
                if (!_failed)
                {
                    await AccountAsync(committed);
                }
            }
            catch
            {
                _failed = true;
                throw;
            }
        }

        /// <summary>Marks the file done once it was read to its end: a later import of it is a new run, not a resumption.</summary>
        public async Task FinishedAsync(CancellationToken cancellationToken)
        {
            if (_checkpoints is not null && _fullyRead && Report.Failure is null)
            {
                await _checkpoints.SaveAsync(Checkpoint(Report.Lines, _parseBad, Report.SkippedTotal), true, cancellationToken);
            }
        }

        /// <summary>Reads the lines in the buffer; true when a batch is full and must be sent before reading on.</summary>
        private bool ReadLines(LineReader lines)
        {
            while (lines.TryReadLine(out var line, out var overlong))
            {
                Report.Lines = Math.Max(Report.Lines, lines.LineNumber);
                var number = lines.LineNumber;
                if (overlong)
                {
                    if (number > _resumeAfter)
                    {
                        ParseBad(number, $"longer than {LineReader.MaxLineBytes / 1024 / 1024} MiB");
                    }

                    continue;
                }

                if (number == 1 && line.StartsWith("\uFEFF"u8))
                {
                    line = line[3..];
                }

                // The blank test of EventReader.ReadNdjson, so that its indexes stay those of the lines given to it.
                line = line.Trim(" \t\r"u8);
                if (line.IsEmpty)
                {
                    continue;
                }

                if (Report.Format == ImportFormat.Auto && !Decide(line, number))
                {
                    continue;
                }

                if (number <= _resumeAfter)
                {
                    // Committed by the interrupted run: read past, not again.
                    continue;
                }

                if (_undecided is { } undecided)
                {
                    _undecided = null;
                    ReadLine(undecided.Number, undecided.Line);
                }

                ReadLine(number, line);
                if (_batch.Events.Count >= _batchSize)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Detects the format from the first line (or the first two, for a bulk dump); false while undecided.</summary>
        private bool Decide(ReadOnlySpan<byte> line, long number)
        {
            var format = _undecided is null ? DumpFormatDetector.Detect(line) : DumpFormatDetector.DetectSource(line);
            if (format is null)
            {
                _undecided = (line.ToArray(), number);
                return false;
            }

            if (format == ImportFormat.InvenioAggregates)
            {
                throw new UnsupportedFormatException(AggregatesNotSupported);
            }

            Report.Format = format.Value;
            if (_undecided is { } undecided && undecided.Number <= _resumeAfter)
            {
                _undecided = null;
            }

            return true;
        }

        private void ReadLine(long number, ReadOnlySpan<byte> line)
        {
            switch (Report.Format)
            {
                case ImportFormat.Ndjson:
                    _ndjson.Write(line);
                    _ndjson.Write("\n"u8);
                    _ndjsonLines.Add(number);
                    if (_ndjsonLines.Count >= _batchSize)
                    {
                        ReadNdjsonChunk();
                    }

                    break;
                case ImportFormat.InvenioEvents:
                    ReadDumpLine(number, line);
                    break;
                default:
                    ReadLogLine(number, line);
                    break;
            }
        }

        /// <summary>A line of an index dump: all its documents become events, or the line is bad and none of them is stored.</summary>
        private void ReadDumpLine(long number, ReadOnlySpan<byte> line)
        {
            _documents.Clear();
            if (_dump.Read(line, number, _documents) is { } error)
            {
                ParseBad(number, error);
                return;
            }

            _lineEvents.Clear();
            foreach (var document in _documents)
            {
                var mapping = InvenioEventMapper.Map(document);
                if (mapping.Event is null)
                {
                    ParseBad(document.Line, _documents.Count > 1 ? $"a hit: {mapping.Error}" : mapping.Error!);
                    return;
                }

                _lineEvents.Add(mapping.Event);
            }

            foreach (var e in _lineEvents)
            {
                _batch.Add(e, number);
            }
        }

        private void ReadLogLine(long number, ReadOnlySpan<byte> line)
        {
            if (!CombinedLogParser.TryParse(Encoding.UTF8.GetString(line), out var entry, out var error))
            {
                ParseBad(number, error!);
                return;
            }

            var mapping = _importer._mapper.Map(entry!, LineId(number, line));
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
                ParseBad(number, mapping.Error!);
            }
        }

        private void ParseBad(long number, string reason)
        {
            _parseBad++;
            Report.Bad(number, reason);
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
                    ParseBad(_ndjsonLines[rejected.Index], string.Join("; ", rejected.Errors));
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
                    ParseBad(number, "the line is not valid JSON");
                }
            }

            _ndjson.Clear();
            _ndjsonLines.Clear();
        }

        /// <summary>
        /// Sends the full batch, while at most <see cref="BatchesInFlight"/> earlier ones are still on their way: the next
        /// batches are read and parsed, and anonymised on threads of their own, while the writer commits.
        /// </summary>
        private async Task FlushAsync(CancellationToken cancellationToken)
        {
            while (_committing.Count >= BatchesInFlight)
            {
                await SettleOldestAsync();
            }

            if (_batch.Events.Count == 0)
            {
                return;
            }

            var batch = _batch;
            // Every line up to here is in this batch, an earlier one, or counted as bad or skipped.
            batch.Cut = (Report.Lines, _parseBad, Report.SkippedTotal);
            _batch = new Batch(_batchSize);
            _events += batch.Events.Count;
            var order = new BatchOrder(_resolved, _queued);
            _resolved = order.Resolved.Task;
            _queued = order.Queued.Task;
            // Not cancelled before it starts: the next batch waits for this one's steps, which it signals however it ends.
            _committing.Enqueue(Task.Run(() => IngestAsync(batch, order, cancellationToken), CancellationToken.None));
        }

        /// <summary>
        /// Resolves the batch's buckets and holds the downloads still unresolved, then anonymises it, then queues it for
        /// the writer: the first and the last step in file order (a bucket learned from one batch serves the next
        /// ones, and the writer commits batches in the order of their lines), the anonymising alongside other batches.
        /// </summary>
        private async Task<(Batch, IngestResult, int)> IngestAsync(Batch batch, BatchOrder order, CancellationToken cancellationToken)
        {
            Batch rest;
            int held;
            try
            {
                await order.ResolvedBefore;
                (rest, held) = await ResolveAsync(batch, cancellationToken);
            }
            finally
            {
                order.Resolved.TrySetResult();
            }

            Task<IngestResult> stored;
            try
            {
                var prepared = await _importer._ingestor.PrepareHistoryAsync(rest.Events, cancellationToken);
                await order.QueuedBefore;
                stored = _importer._ingestor.StoreAsync(prepared, cancellationToken);
            }
            finally
            {
                order.Queued.TrySetResult();
            }

            return (rest, await stored, held);
        }

        /// <summary>The batch less its downloads whose bucket is still unknown, which are held (how many is returned).</summary>
        private async Task<(Batch Kept, int Held)> ResolveAsync(Batch batch, CancellationToken cancellationToken)
        {
            var unresolved = await _importer.ResolveBucketsAsync(batch.Events, cancellationToken);
            if (unresolved.Count == 0)
            {
                return (batch, 0);
            }

            var held = unresolved.Select(i => batch.Events[i]).ToList();
            var rest = new Batch(batch.Events.Count - held.Count) { Cut = batch.Cut };
            var heldIndexes = unresolved.ToHashSet();
            for (var i = 0; i < batch.Events.Count; i++)
            {
                if (!heldIndexes.Contains(i))
                {
                    rest.Add(batch.Events[i], batch.Lines[i]);
                }
            }

            await _importer._held.HoldAsync(held, cancellationToken);
            return (rest, held.Count);
        }

        private async Task AccountAsync((Batch Batch, IngestResult Result, int Held) committed)
        {
            var (batch, result, held) = committed;
            Report.Imported += result.Accepted;
            Report.Duplicates += result.Duplicates;
            Report.Held += held;
            _rejected += result.Rejected.Count;
            foreach (var rejected in result.Rejected)
            {
                Report.Bad(batch.Lines[rejected.Index], string.Join("; ", rejected.Errors));
            }

            if (_checkpoints is not null)
            {
                var (lines, parseBad, skipped) = batch.Cut;
                await _checkpoints.SaveAsync(Checkpoint(lines, parseBad, skipped), false, CancellationToken.None);
            }
        }

        private ImportCheckpoint Checkpoint(long lines, long parseBad, long skipped) =>
            new(lines, Report.Imported, Report.Duplicates, skipped, parseBad + _rejected, Report.Held);
    }

    /// <summary>
    /// A batch's place among those in flight: it resolves its buckets after <see cref="ResolvedBefore"/> and is queued
    /// for the writer after <see cref="QueuedBefore"/> (the previous batch's steps), and signals its own.
    /// </summary>
    private sealed class BatchOrder(Task resolvedBefore, Task queuedBefore)
    {
        public Task ResolvedBefore { get; } = resolvedBefore;

        public Task QueuedBefore { get; } = queuedBefore;

        public TaskCompletionSource Resolved { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Queued { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Events on their way to the ingestor, with the line each came from.</summary>
    private sealed class Batch(int capacity)
    {
        /// <summary>Where the file stood when the batch was cut: lines read, bad lines and skipped requests up to there.</summary>
        public (long Lines, long ParseBad, long Skipped) Cut { get; set; }

        public List<IncomingEvent> Events { get; } = new(capacity);

        public List<long> Lines { get; } = new(capacity);

        public void Add(IncomingEvent e, long line)
        {
            Events.Add(e);
            Lines.Add(line);
        }
    }
}

/// <summary>Where an interrupted run of a file stopped (null for a new run), and how this run saves its progress.</summary>
public sealed record FileCheckpoints(ImportCheckpoint? Done, Func<ImportCheckpoint, bool, CancellationToken, Task> SaveAsync);

/// <summary>A file in a format that is recognised but cannot be imported.</summary>
internal sealed class UnsupportedFormatException(string message) : Exception(message);
