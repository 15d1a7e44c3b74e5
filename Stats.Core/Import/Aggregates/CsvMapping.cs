using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Stats.Core.Data;
using Stats.Core.Events;
using Stats.Core.Import.Invenio;

namespace Stats.Core.Import.Aggregates;

/// <summary>What the rows of a CSV table are.</summary>
public enum CsvRows
{
    /// <summary>One event a row, with the fields of <c>POST /api/events</c>: imported through the ingestion path.</summary>
    Events,

    /// <summary>One day of one record's views or one file's downloads a row: imported daily aggregates.</summary>
    DailyAggregates,
}

/// <summary>
/// One named mapping of <c>Stats:Import:Csv</c>: which column of a CSV table (by its header) holds which of our fields,
/// for <c>import --format csv --mapping &lt;name&gt;</c>.
/// </summary>
public sealed class CsvMapping
{
    /// <summary>The fields a daily-aggregate row may map.</summary>
    public static IReadOnlySet<string> AggregateFields { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "type", "timestamp", "recid", "parent_recid", "bucket_id", "file_key", "count", "unique_count", "volume", "unique_id",
    };

    public CsvRows Rows { get; set; } = CsvRows.Events;

    /// <summary>The event type of every row (<c>record-view</c>, <c>file-download</c>, ...), unless a column gives it (<c>type</c>).</summary>
    public string? Type { get; set; }

    /// <summary>One character: <c>,</c> <c>;</c> or a tab.</summary>
    public string Delimiter { get; set; } = ",";

    /// <summary>Our field (an event field, or for daily aggregates one of <see cref="AggregateFields"/>) → the column's header.</summary>
    public Dictionary<string, string> Columns { get; set; } = new(StringComparer.Ordinal);

    /// <summary>What is wrong with this mapping, one sentence per problem, each naming its setting under <paramref name="path"/>.</summary>
    public IReadOnlyList<string> Validate(string path)
    {
        var errors = new List<string>();
        if (Delimiter.Length != 1)
        {
            errors.Add($"{path}:Delimiter is '{Delimiter}', but it must be one character (',', ';' or a tab).");
        }

        if (!Columns.ContainsKey("timestamp"))
        {
            errors.Add($"{path}:Columns needs a column for timestamp.");
        }

        if (Type is null && !Columns.ContainsKey("type"))
        {
            errors.Add($"{path}: set Type, or map a column to type.");
        }

        if (Rows == CsvRows.DailyAggregates)
        {
            errors.AddRange(Columns.Keys.Where(f => !AggregateFields.Contains(f))
                .Select(f => $"{path}:Columns:{f} is not a field of daily aggregates ({string.Join(", ", AggregateFields)})."));
            if (!Columns.ContainsKey("count"))
            {
                errors.Add($"{path}:Columns needs a column for count.");
            }

            if (!Columns.ContainsKey("recid") && !Columns.ContainsKey("bucket_id"))
            {
                errors.Add($"{path}:Columns needs a column for recid (or bucket_id).");
            }

            if (Type is not null && KindOf(Type) is null)
            {
                errors.Add($"{path}:Type is '{Type}', but daily aggregates are record-view or file-download.");
            }
        }

        return errors;
    }

    internal char Separator => Delimiter.Length == 1 ? Delimiter[0] : ',';

    internal static ImportedKind? KindOf(string type) => type switch
    {
        EventCatalog.RecordView => ImportedKind.RecordView,
        EventCatalog.FileDownload => ImportedKind.FileDownload,
        _ => null,
    };
}

/// <summary>Splits a line of a CSV table (RFC 4180 quoting; a quoted value may not span lines).</summary>
internal static class CsvLine
{
    public static List<string> Split(string line, char separator)
    {
        var values = new List<string>();
        var value = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    value.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    value.Append(c);
                }
            }
            else if (c == '"' && value.Length == 0)
            {
                quoted = true;
            }
            else if (c == separator)
            {
                values.Add(value.ToString());
                value.Clear();
            }
            else
            {
                value.Append(c);
            }
        }

        values.Add(value.ToString());
        return values;
    }

    /// <summary>The column index of each mapped field, from the header line; the problem when a column is missing.</summary>
    public static string? Header(string line, CsvMapping mapping, Dictionary<string, int> indexes)
    {
        var headers = Split(line, mapping.Separator).Select(h => h.Trim()).ToList();
        foreach (var (field, column) in mapping.Columns)
        {
            var index = headers.FindIndex(h => string.Equals(h, column, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                return $"the header has no column '{column}' (for {field})";
            }

            indexes[field] = index;
        }

        return null;
    }
}

/// <summary>Reads the daily-aggregate rows of a CSV table by a <see cref="CsvMapping"/>; the first line is the header.</summary>
public sealed class CsvAggregateLines(string name, CsvMapping mapping) : IAggregateLineReader
{
    private readonly Dictionary<string, int> _columns = new(StringComparer.Ordinal);
    private bool _headerRead;
    private string? _headerProblem;

    public string? Read(ReadOnlySpan<byte> line, long number, List<AggregateDocument> documents, List<BadLine> bad)
    {
        var text = Encoding.UTF8.GetString(line);
        if (!_headerRead)
        {
            _headerRead = true;
            _headerProblem = CsvLine.Header(text, mapping, _columns);
            return _headerProblem;
        }

        if (_headerProblem is not null)
        {
            return _headerProblem;
        }

        var values = CsvLine.Split(text, mapping.Separator);
        string? Field(string field) =>
            _columns.TryGetValue(field, out var index) && index < values.Count && values[index].Trim() is { Length: > 0 } value ? value : null;

        var type = Field("type") ?? mapping.Type;
        if (type is null || CsvMapping.KindOf(type) is not { } kind)
        {
            return $"type '{type}' is not record-view or file-download";
        }

        if (Field("timestamp") is not { } timestamp)
        {
            return "missing timestamp";
        }

        if (!InvenioAggregateLines.TryDay(timestamp, out var day))
        {
            return "timestamp is not an ISO 8601 date or time";
        }

        var countProblem = Number(Field("count"), "count", out var count, optional: false);
        var uniqueProblem = Number(Field("unique_count"), "unique_count", out var unique);
        var volumeProblem = Number(Field("volume"), "volume", out var volume);
        if ((countProblem ?? uniqueProblem ?? volumeProblem) is { } problem)
        {
            return problem;
        }

        var recid = Field("recid");
        var bucket = Field("bucket_id");
        var fileKey = kind == ImportedKind.FileDownload ? Field("file_key") : null;
        if (recid is null && bucket is null)
        {
            return "missing recid";
        }

        if (kind == ImportedKind.FileDownload && fileKey is null)
        {
            return "a file download without file_key";
        }

        foreach (var (field, value) in new[] { ("recid", recid), ("parent_recid", Field("parent_recid")), ("bucket_id", bucket) })
        {
            if (value is not null && IdRules.IdProblem(value) is { } idProblem)
            {
                return $"{field} {idProblem}";
            }
        }

        if (fileKey is not null && IdRules.TextProblem(fileKey) is { } keyProblem)
        {
            return "file_key " + keyProblem;
        }

        documents.Add(new AggregateDocument(
            number, kind, day, UniqueId(Field("unique_id") ?? $"{recid ?? bucket}/{fileKey}"), recid, Field("parent_recid"), bucket, fileKey,
            (int)count, (int)unique, volume));
        return null;
    }

    public BadLine? Finish() => null;

    /// <summary>Prefixed by the mapping's name, so that two tables (or invenio) never replace each other's documents.</summary>
    private string UniqueId(string key)
    {
        var id = $"{name}:{key}";
        return id.Length <= 256 ? id : $"{name}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))}";
    }

    private static string? Number(string? text, string field, out long value, bool optional = true)
    {
        value = 0;
        if (text is null)
        {
            return optional ? null : "missing " + field;
        }

        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value))
        {
            return field + " is not a whole number";
        }

        return value < 0 ? "negative " + field : value > int.MaxValue && field != "volume" ? field + " is too large for one day" : null;
    }
}
