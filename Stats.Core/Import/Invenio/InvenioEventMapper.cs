using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Stats.Core.Events;
using Stats.Core.Ingestion;

namespace Stats.Core.Import.Invenio;

/// <summary>What one raw invenio-stats document became: an event, or why it is not one.</summary>
public readonly record struct InvenioEventMapping(IncomingEvent? Event, string? Error);

/// <summary>
/// Maps a document of invenio-stats' raw event indices (<c>events-stats-record-view-*</c>,
/// <c>events-stats-file-download-*</c>) onto an event, for both field sets: invenio-stats' own (contrib: a view names
/// its record by <c>pid_value</c>, a download only by <c>bucket_id</c>) and InvenioRDM's (<c>recid</c>,
/// <c>parent_recid</c>, <c>via_api</c>, <c>is_machine</c>). These documents are anonymised already: their country,
/// robot and machine flags are kept as they are, and their visitor and session digests become our own salted hashes
/// (docs/invenio.md#raw-events).
/// </summary>
public static class InvenioEventMapper
{
    public static InvenioEventMapping Map(DumpDocument document)
    {
        var source = document.Source;
        if (Text(source, "timestamp") is not { } timestampText)
        {
            return Fail("no timestamp");
        }

        // invenio-stats writes UTC without an offset, which IsoTimestamp reads as UTC.
        if (IsoTimestamp.Parse(timestampText) is not { } timestamp)
        {
            return Fail($"timestamp '{Clip(timestampText)}' is not an ISO 8601 date and time");
        }

        var bucketId = Text(source, "bucket_id");
        var fileKey = Text(source, "file_key");
        var type = TypeOf(document.Index, bucketId, fileKey);
        var recid = Text(source, "recid") ?? Text(source, "pid_value");
        if (type == EventCatalog.FileDownload && fileKey is null)
        {
            return Fail("a download without file_key");
        }

        if (recid is null && (type == EventCatalog.RecordView || bucketId is null))
        {
            return Fail(type == EventCatalog.RecordView ? "a view without recid or pid_value" : "a download without recid or bucket_id");
        }

        var visitorId = Text(source, "visitor_id");
        var sessionId = Text(source, "unique_session_id");
        return new InvenioEventMapping(new IncomingEvent
        {
            Type = type,
            Timestamp = timestamp,
            Id = IdOf([type, timestampText, Text(source, "unique_id"), visitorId, sessionId, Text(source, "recid"), Text(source, "pid_value"), bucketId, fileKey]),
            Recid = recid,
            ParentRecid = Text(source, "parent_recid"),
            ViaApi = Flag(source, "via_api"),
            FileKey = type == EventCatalog.FileDownload ? fileKey : null,
            BucketId = type == EventCatalog.FileDownload ? bucketId : null,
            Size = type == EventCatalog.FileDownload && source.TryGetProperty("size", out var size) && size.ValueKind == JsonValueKind.Number && size.TryGetInt64(out var bytes) && bytes >= 0 ? bytes : null,
            Anonymised = new AnonymisedClient(CountryOf(source), Flag(source, "is_robot"), Flag(source, "is_machine"), visitorId, sessionId),
        }, null);
    }

    /// <summary>The same event with the record its bucket belongs to (a contrib download once the bucket is known).</summary>
    public static IncomingEvent WithRecid(IncomingEvent e, string recid) => new()
    {
        Type = e.Type,
        Timestamp = e.Timestamp,
        Id = e.Id,
        Recid = recid,
        ParentRecid = e.ParentRecid,
        ViaApi = e.ViaApi,
        FileKey = e.FileKey,
        BucketId = e.BucketId,
        Size = e.Size,
        Anonymised = e.Anonymised,
    };

    /// <summary>By the index the document came from when the dump says; otherwise a document naming a file is a download.</summary>
    private static string TypeOf(string? index, string? bucketId, string? fileKey)
    {
        if (index is not null)
        {
            if (index.Contains("file-download", StringComparison.Ordinal))
            {
                return EventCatalog.FileDownload;
            }

            if (index.Contains("record-view", StringComparison.Ordinal))
            {
                return EventCatalog.RecordView;
            }
        }

        return bucketId is not null || fileKey is not null ? EventCatalog.FileDownload : EventCatalog.RecordView;
    }

    /// <summary>
    /// The event's id, from its content rather than the dump's <c>_id</c> (a bare <c>_source</c> dump has none): the same
    /// document imported again, from any line format, is the same event and is stored once. <paramref name="parts"/>:
    /// type, timestamp, then unique_id, visitor_id, unique_session_id, recid, pid_value, bucket_id and file_key as
    /// given (absent ones empty), joined by '|'; ids stored by earlier imports depend on exactly this text.
    /// </summary>
    private static string IdOf(ReadOnlySpan<string?> parts)
    {
        var length = parts.Length - 1;
        foreach (var part in parts)
        {
            length += part is null ? 0 : Encoding.UTF8.GetMaxByteCount(part.Length);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = 0;
            for (var i = 0; i < parts.Length; i++)
            {
                if (i > 0)
                {
                    buffer[written++] = (byte)'|';
                }

                written += parts[i] is { } part ? Encoding.UTF8.GetBytes(part, buffer.AsSpan(written)) : 0;
            }

            Span<byte> digest = stackalloc byte[32];
            SHA256.HashData(buffer.AsSpan(0, written), digest);
            return "invenio:" + Convert.ToHexStringLower(digest[..16]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>ISO alpha-2, upper case; anything else (null, <c>"--"</c>, a name) is an unknown country.</summary>
    private static string? CountryOf(JsonElement source) =>
        Text(source, "country") is { Length: 2 } code && char.IsAsciiLetter(code[0]) && char.IsAsciiLetter(code[1])
            ? code.ToUpperInvariant()
            : null;

    /// <summary>A string field, or a number written as one (some installations index recids as numbers).</summary>
    private static string? Text(JsonElement source, string name)
    {
        if (!source.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString() is { Length: > 0 } text ? text : null,
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
    }

    private static bool Flag(JsonElement source, string name) =>
        source.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static string Clip(string text) => text.Length > 40 ? text[..40] + "..." : text;

    private static InvenioEventMapping Fail(string error) => new(null, error);
}
