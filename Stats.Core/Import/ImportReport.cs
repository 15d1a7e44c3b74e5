namespace Stats.Core.Import;

/// <summary>The kinds of file the <c>import</c> verb reads.</summary>
public enum ImportFormat
{
    /// <summary>
    /// Decided by the first non-empty line: an access log unless it starts with <c>{</c>; then invenio-stats' raw events
    /// or daily aggregates by their index or fields, our own NDJSON otherwise (<see cref="Invenio.DumpFormatDetector"/>).
    /// </summary>
    Auto,

    /// <summary>Apache or nginx access log, combined or common format.</summary>
    Combined,

    /// <summary>One JSON event per line, with the fields of <c>POST /api/events</c>.</summary>
    Ndjson,

    /// <summary>A dump of invenio-stats' raw event indices (<c>events-stats-*</c>), in any of the index dump line formats.</summary>
    InvenioEvents,

    /// <summary>A dump of invenio-stats' daily aggregate indices (<c>stats-record-view-*</c>, <c>stats-file-download-*</c>).</summary>
    InvenioAggregates,

    /// <summary>A CSV table read by a named mapping (<c>Stats:Import:Csv:&lt;name&gt;</c>).</summary>
    Csv,
}

/// <summary>The names of <see cref="ImportFormat"/> on the command line and in reports.</summary>
public static class ImportFormats
{
    private static readonly Dictionary<string, ImportFormat> s_byName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["auto"] = ImportFormat.Auto,
        ["combined"] = ImportFormat.Combined,
        ["ndjson"] = ImportFormat.Ndjson,
        ["invenio-events"] = ImportFormat.InvenioEvents,
        ["invenio-aggregates"] = ImportFormat.InvenioAggregates,
        ["csv"] = ImportFormat.Csv,
    };

    /// <summary>Every name, in the order the usage lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. s_byName.Keys];

    public static bool TryParse(string name, out ImportFormat format) => s_byName.TryGetValue(name, out format);

    public static string NameOf(ImportFormat format) => s_byName.First(p => p.Value == format).Key;
}

/// <summary>How far the import of a file has come: bytes of the file read (compressed bytes for .gz), lines, events.</summary>
public readonly record struct ImportProgress(long BytesRead, long Lines, long Events);

/// <summary>A line that could not be imported, with why (never its content: it holds addresses and user agents).</summary>
public readonly record struct BadLine(long Number, string Reason);

/// <summary>What the import of one file did.</summary>
public sealed class FileImportReport(string file)
{
    /// <summary>How many bad lines a report keeps the number of: the lowest ones.</summary>
    public const int KeptBadLines = 10;

    private readonly Dictionary<string, long> _skipped = new(StringComparer.Ordinal);
    private readonly SortedList<long, string> _firstBadLines = [];

    public string File { get; } = file;

    /// <summary>The format read: the one asked for, or the one detected (<see cref="ImportFormat.Auto"/> for an empty file).</summary>
    public ImportFormat Format { get; internal set; }

    public long Lines { get; internal set; }

    /// <summary>Events stored by this import.</summary>
    public long Imported { get; internal set; }

    /// <summary>Events already in the store (the same line imported before).</summary>
    public long Duplicates { get; internal set; }

    /// <summary>Downloads kept aside until the record of their bucket is known (<see cref="Data.HeldDownload"/>).</summary>
    public long Held { get; internal set; }

    /// <summary>Lines read and committed by an earlier, interrupted run of the same file: this run went on after them.</summary>
    public long ResumedAfterLine { get; internal set; }

    /// <summary>Requests that are not usage events, by reason ("status 404", "no route", "method POST").</summary>
    public IReadOnlyDictionary<string, long> Skipped => _skipped;

    public long SkippedTotal => _skipped.Values.Sum();

    /// <summary>Lines that could not be read as a request or an event, or whose event the ingestion refused.</summary>
    public long BadLines { get; private set; }

    /// <summary>The first <see cref="KeptBadLines"/> bad lines, by line number.</summary>
    public IReadOnlyList<BadLine> FirstBadLines => [.. _firstBadLines.Select(p => new BadLine(p.Key, p.Value))];

    /// <summary>Why the file could not be read (to its end), or null.</summary>
    public string? Failure { get; internal set; }

    public TimeSpan Elapsed { get; internal set; }

    internal void Skip(string reason, long count = 1) => _skipped[reason] = _skipped.GetValueOrDefault(reason) + count;

    /// <summary>The report of a file an interrupted run of the same files had imported completely.</summary>
    public static FileImportReport Completed(string file, ImportCheckpoint done)
    {
        var report = new FileImportReport(file);
        report.Resume(done);
        return report;
    }

    /// <summary>Starts from what an interrupted run of the same file committed, so the resumed run reports the whole file.</summary>
    internal void Resume(ImportCheckpoint done)
    {
        ResumedAfterLine = done.LinesDone;
        Lines = done.LinesDone;
        Imported = done.Imported;
        Duplicates = done.Duplicates;
        Held = done.Held;
        BadLines = done.BadLines;
        if (done.Skipped > 0)
        {
            Skip("before the interruption", done.Skipped);
        }
    }

    internal void Bad(long line, string reason)
    {
        BadLines++;
        // Batches are accounted out of line order (parsing runs ahead of commits): keep the lowest numbers.
        _firstBadLines.TryAdd(line, reason);
        if (_firstBadLines.Count > KeptBadLines)
        {
            _firstBadLines.RemoveAt(KeptBadLines);
        }
    }
}

/// <summary>
/// How far into a file the committed events go, with the counts up to there: saved after each committed batch, and
/// where a resumed run starts.
/// </summary>
public sealed record ImportCheckpoint(long LinesDone, long Imported, long Duplicates, long Skipped, long BadLines, long Held);
