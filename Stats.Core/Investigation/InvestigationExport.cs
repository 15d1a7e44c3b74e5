using System.Text.Json;

namespace Stats.Core.Investigation;

/// <summary>
/// Writes raw events as NDJSON (one JSON object a line) or as Elasticsearch/OpenSearch bulk lines (an <c>index</c>
/// action before each document), so that an admin can load them into Kibana or OpenSearch Dashboards.
/// </summary>
public static class InvestigationExport
{
    /// <summary>The index the bulk lines name; the operator can rename it on load.</summary>
    public const string BulkIndex = "stats-raw-events";

    private static readonly byte[] s_newLine = "\n"u8.ToArray();

    public static async Task WriteNdjsonAsync(IAsyncEnumerable<InvestigationEvent> events, Stream output, CancellationToken cancellationToken = default) =>
        await WriteAsync(events, output, bulk: false, cancellationToken);

    public static async Task WriteBulkAsync(IAsyncEnumerable<InvestigationEvent> events, Stream output, CancellationToken cancellationToken = default) =>
        await WriteAsync(events, output, bulk: true, cancellationToken);

    private static async Task WriteAsync(IAsyncEnumerable<InvestigationEvent> events, Stream output, bool bulk, CancellationToken cancellationToken)
    {
        await using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        await foreach (var e in events.WithCancellation(cancellationToken))
        {
            if (bulk)
            {
                // The store's id as the document id: loading the same export twice replaces, not duplicates.
                writer.WriteStartObject();
                writer.WriteStartObject("index");
                writer.WriteString("_index", BulkIndex);
                writer.WriteString("_id", e.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                writer.WriteEndObject();
                writer.WriteEndObject();
                await NewLineAsync(writer, output, cancellationToken);
            }

            writer.WriteStartObject();
            writer.WriteString("timestamp", DateTime.SpecifyKind(e.Timestamp, DateTimeKind.Utc));
            writer.WriteString("type", e.Type);
            writer.WriteString("recid", e.Record);
            writer.WriteString("file_key", e.File);
            writer.WriteString("country", e.Country);
            writer.WriteString("organisation", e.Organisation);
            writer.WriteString("agent_family", e.Agent);
            writer.WriteString("referrer_host", e.Referrer);
            writer.WriteString("category", e.Category switch
            {
                EventCategory.Counted => "counted",
                EventCategory.DoubleClick => "double-click",
                EventCategory.Robot => "robot",
                _ => "machine",
            });
            writer.WriteBoolean("via_api", e.ViaApi);
            writer.WriteBoolean("preview", e.Preview);
            writer.WriteString("visitor", e.Visitor);
            writer.WriteEndObject();
            await NewLineAsync(writer, output, cancellationToken);
        }
    }

    private static async Task NewLineAsync(Utf8JsonWriter writer, Stream output, CancellationToken cancellationToken)
    {
        await writer.FlushAsync(cancellationToken);
        writer.Reset();
        // Asynchronously: a response body refuses synchronous writes.
        await output.WriteAsync(s_newLine, cancellationToken);
    }
}
