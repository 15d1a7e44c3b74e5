using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Stats.Core.Ingestion;

namespace Stats.Benchmarks;

/// <summary>Events as a repository platform sends them to <c>POST /api/events</c>: a JSON array with the wire names (docs/domain/events.md).</summary>
internal static class EventJson
{
    // Clients escape what JSON requires, not every '+' and '<' of a user agent.
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Array(IReadOnlyList<IncomingEvent> events)
    {
        var buffer = new ArrayBufferWriter<byte>(events.Count * 400);
        using (var writer = new Utf8JsonWriter(buffer, s_options))
        {
            writer.WriteStartArray();
            foreach (var e in events)
            {
                Write(writer, e);
            }

            writer.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>One event as a line of an NDJSON file, without the newline.</summary>
    public static void WriteLine(IBufferWriter<byte> buffer, IncomingEvent e)
    {
        using var writer = new Utf8JsonWriter(buffer, s_options);
        Write(writer, e);
    }

    private static void Write(Utf8JsonWriter writer, IncomingEvent e)
    {
        writer.WriteStartObject();
        writer.WriteString("type", e.Type);
        writer.WriteString("timestamp", e.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", System.Globalization.CultureInfo.InvariantCulture));
        WriteIfAny(writer, "id", e.Id);
        WriteIfAny(writer, "user_id", e.UserId);
        WriteIfAny(writer, "session_id", e.SessionId);
        WriteIfAny(writer, "ip_address", e.IpAddress);
        WriteIfAny(writer, "user_agent", e.UserAgent);
        WriteIfAny(writer, "recid", e.Recid);
        WriteIfAny(writer, "parent_recid", e.ParentRecid);
        WriteIfAny(writer, "file_key", e.FileKey);
        if (e.Size is { } size)
        {
            writer.WriteNumber("size", size);
        }

        if (e.ViaApi)
        {
            writer.WriteBoolean("via_api", true);
        }

        if (e.IsPreview)
        {
            writer.WriteBoolean("is_preview", true);
        }

        writer.WriteEndObject();
    }

    private static void WriteIfAny(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
