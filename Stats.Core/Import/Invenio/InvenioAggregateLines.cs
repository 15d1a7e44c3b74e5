using System.Globalization;
using System.Text.Json;
using Stats.Core.Data;
using Stats.Core.Events;
using Stats.Core.Import.Aggregates;

namespace Stats.Core.Import.Invenio;

/// <summary>
/// Reads dumps of invenio-stats' daily aggregate indices (<c>stats-record-view-*</c>, <c>stats-file-download-*</c>) in
/// every line format <see cref="IndexDumpLines"/> reads, with both field sets: invenio-stats contrib (a record by
/// <c>pid_value</c>, a file by <c>bucket_id</c> and <c>file_key</c>) and InvenioRDM's copies (<c>recid</c>,
/// <c>parent_recid</c>). The rules are in docs/invenio.md.
/// </summary>
public sealed class InvenioAggregateLines : IAggregateLineReader
{
    private readonly IndexDumpLines _dump = new(keepSources: false);
    private readonly List<DumpDocument> _documents = [];

    public string? Read(ReadOnlySpan<byte> line, long number, List<AggregateDocument> documents, List<BadLine> bad)
    {
        _documents.Clear();
        if (_dump.Read(line, number, _documents) is { } problem)
        {
            return problem;
        }

        foreach (var document in _documents)
        {
            if (Map(document, out var aggregate) is { } reason)
            {
                bad.Add(new BadLine(number, reason));
            }
            else
            {
                documents.Add(aggregate!);
            }
        }

        return null;
    }

    public BadLine? Finish() =>
        _dump.UnfinishedActionLine is { } line ? new BadLine(line, "a bulk action line without its source line") : null;

    /// <summary>The aggregate a dumped document holds, or why it holds none.</summary>
    internal static string? Map(DumpDocument document, out AggregateDocument? aggregate)
    {
        aggregate = null;
        var source = document.Source;
        if (document.Index is { } index && index.Contains("events-stats-", StringComparison.Ordinal))
        {
            return "a raw event (" + index + "), not a daily aggregate: import it with --format invenio-events";
        }

        var kind = KindOf(document.Index, source);
        if (Text(source, "timestamp") is not { } timestamp)
        {
            return "missing timestamp";
        }

        if (!TryDay(timestamp, out var day))
        {
            return "timestamp is not an ISO 8601 date or time";
        }

        if (Number(source, "count", out var count) is { } countProblem)
        {
            return countProblem;
        }

        if (Number(source, "unique_count", out var unique, optional: true) is { } uniqueProblem)
        {
            return uniqueProblem;
        }

        long volume = 0;
        if (kind == ImportedKind.FileDownload && Number(source, "volume", out volume, optional: true) is { } volumeProblem)
        {
            return volumeProblem;
        }

        if (count > int.MaxValue || unique > int.MaxValue)
        {
            return "count is too large for one day";
        }

        var uniqueId = Text(source, "unique_id") ?? document.Id;
        if (string.IsNullOrEmpty(uniqueId) || uniqueId.Length > 256)
        {
            return "missing unique_id";
        }

        // Contrib record views name the record by its PID; RDM copies recid beside it.
        var recid = Text(source, "recid") ?? Text(source, "pid_value");
        var parent = Text(source, "parent_recid");
        var bucket = Text(source, "bucket_id");
        var fileKey = Text(source, "file_key");
        if (kind == ImportedKind.FileDownload)
        {
            if (string.IsNullOrEmpty(fileKey))
            {
                return "a file download without file_key";
            }

            if (IdRules.TextProblem(fileKey) is { } keyProblem)
            {
                return "file_key " + keyProblem;
            }

            if (string.IsNullOrEmpty(recid) && string.IsNullOrEmpty(bucket))
            {
                return "a file download without recid or bucket_id";
            }
        }
        else if (string.IsNullOrEmpty(recid))
        {
            return "a record view without recid or pid_value";
        }

        foreach (var (name, value) in new[] { ("recid", recid), ("parent_recid", parent), ("bucket_id", bucket) })
        {
            if (!string.IsNullOrEmpty(value) && IdRules.IdProblem(value) is { } idProblem)
            {
                return $"{name} {idProblem}";
            }
        }

        aggregate = new AggregateDocument(
            document.Line, kind, day, uniqueId, NullIfEmpty(recid), NullIfEmpty(parent), NullIfEmpty(bucket),
            kind == ImportedKind.FileDownload ? fileKey : null, (int)count, (int)unique, volume);
        return null;
    }

    /// <summary>By the index name where the dump kept it, else by the fields (only downloads name a file).</summary>
    private static ImportedKind KindOf(string? index, JsonElement source)
    {
        if (index is not null)
        {
            if (index.Contains("stats-file-download", StringComparison.Ordinal))
            {
                return ImportedKind.FileDownload;
            }

            if (index.Contains("stats-record-view", StringComparison.Ordinal))
            {
                return ImportedKind.RecordView;
            }
        }

        return source.TryGetProperty("file_key", out _) || source.TryGetProperty("bucket_id", out _) ? ImportedKind.FileDownload : ImportedKind.RecordView;
    }

    /// <summary>The UTC day of an ISO 8601 date or time (invenio writes the day's midnight, without an offset).</summary>
    internal static bool TryDay(string text, out DateOnly day)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
        {
            return true;
        }

        // What invenio writes (the day's midnight, no offset, no fraction), read without the general parser.
        if (text.Length == 19 && text[10] == 'T'
            && DateOnly.TryParseExact(text.AsSpan(0, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day)
            && TimeOnly.TryParseExact(text.AsSpan(11), "HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return true;
        }

        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)
            && text.Length >= 10 && text[4] == '-')
        {
            day = DateOnly.FromDateTime(time);
            return true;
        }

        return false;
    }

    private static string? Number(JsonElement source, string name, out long value, bool optional = false)
    {
        value = 0;
        if (!source.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return optional ? null : "missing " + name;
        }

        if (element.ValueKind != JsonValueKind.Number)
        {
            return name + " is not a number";
        }

        if (!element.TryGetInt64(out value))
        {
            // Elasticsearch may keep a whole count as a float (3.0).
            if (!element.TryGetDouble(out var real) || real != Math.Floor(real) || Math.Abs(real) > long.MaxValue)
            {
                return name + " is not a whole number";
            }

            value = (long)real;
        }

        return value < 0 ? "negative " + name : null;
    }

    private static string? Text(JsonElement source, string name) =>
        source.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
