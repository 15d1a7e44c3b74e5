using System.Text.Json;

namespace Stats.Core.Import.Invenio;

/// <summary>
/// Tells what a JSON file holds from its first document: our own events (NDJSON with <c>type</c>), invenio-stats' raw
/// events, or invenio-stats' daily aggregates (docs/invenio.md#line-formats).
/// </summary>
public static class DumpFormatDetector
{
    /// <summary>
    /// The format of a file whose first non-empty line is <paramref name="line"/>, or null when that line cannot tell (a
    /// bulk action line without an index name: its source line, the next one, decides).
    /// </summary>
    public static ImportFormat? Detect(ReadOnlySpan<byte> line)
    {
        if (!line.StartsWith("{"u8))
        {
            return ImportFormat.Combined;
        }

        var documents = new List<DumpDocument>(1);
        if (new IndexDumpLines().Read(line, 1, documents) is not null)
        {
            // Not JSON: NDJSON's reader reports the line as it does for any bad line.
            return ImportFormat.Ndjson;
        }

        if (documents.Count == 0)
        {
            return BulkActionIndex(line) is { } index ? OfIndex(index) : null;
        }

        var first = documents[0];
        return (first.Index is { } name ? OfIndex(name) : null) ?? OfSource(first.Source);
    }

    /// <summary>Once the first line could not tell: the format of the second document line, a bulk source line.</summary>
    public static ImportFormat DetectSource(ReadOnlySpan<byte> line)
    {
        try
        {
            using var parsed = JsonDocument.Parse(line.ToArray());
            return parsed.RootElement.ValueKind == JsonValueKind.Object ? OfSource(parsed.RootElement) : ImportFormat.InvenioEvents;
        }
        catch (JsonException)
        {
            return ImportFormat.InvenioEvents;
        }
    }

    private static ImportFormat? OfIndex(string index)
    {
        if (index.Contains("events-stats-", StringComparison.Ordinal))
        {
            return ImportFormat.InvenioEvents;
        }

        return index.Contains("stats-", StringComparison.Ordinal) ? ImportFormat.InvenioAggregates : null;
    }

    private static ImportFormat OfSource(JsonElement source)
    {
        if (source.TryGetProperty("count", out _) && source.TryGetProperty("unique_count", out _))
        {
            return ImportFormat.InvenioAggregates;
        }

        if (!source.TryGetProperty("type", out _)
            && (source.TryGetProperty("visitor_id", out _) || source.TryGetProperty("unique_session_id", out _) || source.TryGetProperty("unique_id", out _)))
        {
            return ImportFormat.InvenioEvents;
        }

        return ImportFormat.Ndjson;
    }

    private static string? BulkActionIndex(ReadOnlySpan<byte> line)
    {
        using var parsed = JsonDocument.Parse(line.ToArray());
        foreach (var action in parsed.RootElement.EnumerateObject())
        {
            if (action.Value.ValueKind == JsonValueKind.Object && action.Value.TryGetProperty("_index", out var index) && index.ValueKind == JsonValueKind.String)
            {
                return index.GetString();
            }
        }

        return null;
    }
}
