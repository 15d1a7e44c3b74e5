using System.Text.Json;

namespace Stats.Core.Import.Invenio;

/// <summary>
/// Reads the lines of a dump of an Elasticsearch/OpenSearch index, in every line format invenio-stats' indices are
/// dumped in: elasticdump (<c>{"_index", "_id", "_source"}</c> per line), a search or scroll answer
/// per line (<c>hits.hits[]</c> of such objects), the bulk format (an action line, then its source line) and the bare
/// <c>_source</c> object per line. One instance reads one file, line after line: the bulk format spans two lines.
/// </summary>
/// <param name="keepSources">
/// True: each document's source is a copy of its own, valid for good. False: a document's source is valid only until the
/// next <see cref="Read"/>, which saves a copy of every document (an importer maps each line's documents at once).
/// </param>
public sealed class IndexDumpLines(bool keepSources = true)
{
    private static readonly string[] s_bulkActions = ["index", "create", "update"];

    private (string? Index, string? Id, long Line)? _pendingAction;

    /// <summary>Without <c>keepSources</c>: the line last read and its parsed document, which its documents point into.</summary>
    private byte[] _line = [];
    private JsonDocument? _current;

    /// <summary>
    /// Adds the documents of one line to <paramref name="documents"/> (none for a bulk action line, several for a
    /// search answer). Returns why the line is not a dump line, or null when it is; a bad line adds nothing.
    /// </summary>
    public string? Read(ReadOnlySpan<byte> line, long lineNumber, List<DumpDocument> documents)
    {
        _current?.Dispose();
        _current = null;
        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(keepSources ? line.ToArray() : Reuse(line));
        }
        catch (JsonException)
        {
            _pendingAction = null;
            return "not JSON";
        }

        if (!keepSources)
        {
            _current = parsed;
        }

        using (keepSources ? parsed : null)
        {
            var root = parsed.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                _pendingAction = null;
                return "not a JSON object";
            }

            if (_pendingAction is { } action)
            {
                _pendingAction = null;
                documents.Add(new DumpDocument(lineNumber, action.Index, action.Id, Keep(root)));
                return null;
            }

            if (BulkAction(root) is { } next)
            {
                _pendingAction = (next.Index, next.Id, lineNumber);
                return null;
            }

            if (root.TryGetProperty("hits", out var hits) && hits.ValueKind == JsonValueKind.Object
                && hits.TryGetProperty("hits", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var hit in list.EnumerateArray())
                {
                    if (Hit(hit, lineNumber) is not { } document)
                    {
                        return "a search answer with a hit that has no _source object";
                    }

                    documents.Add(document);
                }

                return null;
            }

            if (root.TryGetProperty("_source", out _))
            {
                if (Hit(root, lineNumber) is not { } document)
                {
                    return "_source is not an object";
                }

                documents.Add(document);
                return null;
            }

            documents.Add(new DumpDocument(lineNumber, null, null, Keep(root)));
            return null;
        }
    }

    /// <summary>The bulk action line whose source line has not come yet when the file ended: that line is missing.</summary>
    public long? UnfinishedActionLine => _pendingAction?.Line;

    /// <summary>The line in a buffer of this reader's, kept until the next line: its document points into it.</summary>
    private ReadOnlyMemory<byte> Reuse(ReadOnlySpan<byte> line)
    {
        if (_line.Length < line.Length)
        {
            _line = new byte[Math.Max(line.Length, _line.Length * 2)];
        }

        line.CopyTo(_line);
        return _line.AsMemory(0, line.Length);
    }

    private JsonElement Keep(JsonElement element) => keepSources ? element.Clone() : element;

    private DumpDocument? Hit(JsonElement hit, long lineNumber)
    {
        if (hit.ValueKind != JsonValueKind.Object || !hit.TryGetProperty("_source", out var source) || source.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return new DumpDocument(lineNumber, TextOf(hit, "_index"), TextOf(hit, "_id"), Keep(source));
    }

    /// <summary>An action line of the bulk format: one property, <c>index</c>/<c>create</c>/<c>update</c>, naming an index or an id.</summary>
    private static (string? Index, string? Id)? BulkAction(JsonElement root)
    {
        using var properties = root.EnumerateObject();
        if (!properties.MoveNext())
        {
            return null;
        }

        var first = properties.Current;
        if (properties.MoveNext() || !s_bulkActions.Contains(first.Name) || first.Value.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var index = TextOf(first.Value, "_index");
        var id = TextOf(first.Value, "_id");
        return index is null && id is null ? null : (index, id);
    }

    private static string? TextOf(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>One indexed document of a dump: its source, and the index and id it had where the format says.</summary>
/// <param name="Line">The line the source is on.</param>
public sealed record DumpDocument(long Line, string? Index, string? Id, JsonElement Source);
