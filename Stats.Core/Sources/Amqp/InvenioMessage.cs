using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Stats.Core.Ingestion;

namespace Stats.Core.Sources.Amqp;

/// <summary>
/// One invenio-stats message read into our vocabulary (docs/invenio.md#message-bodies): the contrib shape
/// (<c>pid_value</c>, <c>record_id</c>, <c>bucket_id</c>, <c>file_id</c>) and InvenioRDM's (<c>recid</c>,
/// <c>parent_recid</c>, <c>via_api</c>). Fields we have no place for are dropped here.
/// </summary>
public sealed class InvenioMessage
{
    private readonly Dictionary<string, object> _fields;

    private InvenioMessage(string type, DateTimeOffset timestamp, Dictionary<string, object> fields)
    {
        Type = type;
        Timestamp = timestamp;
        _fields = fields;
    }

    public string Type { get; }

    public DateTimeOffset Timestamp { get; }

    /// <summary>The event's idempotency id, derived from the message: a redelivered message is the same event.</summary>
    public string Id => (string)_fields["id"];

    public string? Recid => _fields.GetValueOrDefault("recid") as string;

    public string? BucketId => _fields.GetValueOrDefault("bucket_id") as string;

    /// <summary>A contrib download: it names its bucket but not its record, which the bucket → record map must give.</summary>
    public bool NeedsRecord => Recid is null && BucketId is not null;

    /// <summary>The event, with <paramref name="recid"/> for a download whose record was found through its bucket.</summary>
    public IncomingEvent ToEvent(string? recid = null)
    {
        if (recid is null)
        {
            return IncomingEvent.FromFields(Type, Timestamp, _fields);
        }

        var fields = new Dictionary<string, object>(_fields, StringComparer.Ordinal) { ["recid"] = recid };
        return IncomingEvent.FromFields(Type, Timestamp, fields);
    }

    /// <summary>The idempotency id of a message: a hash of its routing key, a newline and its body.</summary>
    public static string IdOf(string routingKey, ReadOnlySpan<byte> body)
    {
        // One hash call over a stack copy: every message of the queue pays for this, and an incremental hash costs an
        // allocation and a native context each.
        var length = Encoding.UTF8.GetByteCount(routingKey) + 1 + body.Length;
        byte[]? rented = null;
        Span<byte> input = length <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(length));
        var written = Encoding.UTF8.GetBytes(routingKey, input);
        input[written] = (byte)'\n';
        body.CopyTo(input[(written + 1)..]);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input[..length], digest);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return string.Concat("amqp:", Convert.ToHexStringLower(digest[..16]));
    }

    /// <summary>Reads a body published under an event type; on failure, the reasons why it is not an event.</summary>
    public static InvenioMessage? Read(string type, string routingKey, ReadOnlyMemory<byte> body, out IReadOnlyList<string> errors)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            errors = [$"the body is not JSON ({ex.Message})"];
            return null;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                errors = [$"the body is a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object"];
                return null;
            }

            var problems = new List<string>();
            var root = document.RootElement;
            var timestamp = ReadTimestamp(root, problems);
            var fields = new Dictionary<string, object>(StringComparer.Ordinal) { ["id"] = IdOf(routingKey, body.Span) };
            Text(root, "recid", fields, problems);
            if (!fields.ContainsKey("recid"))
            {
                // The contrib shape names the record by its public id; record_id is an internal uuid we have no use for.
                Text(root, "pid_value", fields, problems, "recid");
            }

            Text(root, "parent_recid", fields, problems);
            Text(root, "bucket_id", fields, problems);
            Text(root, "file_key", fields, problems);
            Text(root, "ip_address", fields, problems);
            Text(root, "user_agent", fields, problems);
            Text(root, "referrer", fields, problems);
            Text(root, "user_id", fields, problems);
            Text(root, "session_id", fields, problems);
            if (root.TryGetProperty("size", out var size) && size.ValueKind != JsonValueKind.Null)
            {
                if ((size.ValueKind == JsonValueKind.Number && size.TryGetInt64(out var bytes)) || (size.ValueKind == JsonValueKind.String && long.TryParse(size.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out bytes)))
                {
                    fields["size"] = bytes;
                }
                else
                {
                    problems.Add("field 'size' is not a whole number");
                }
            }

            if (root.TryGetProperty("via_api", out var viaApi) && viaApi.ValueKind == JsonValueKind.True)
            {
                fields["via_api"] = true;
            }

            errors = problems;
            return problems.Count == 0 ? new InvenioMessage(type, timestamp!.Value, fields) : null;
        }
    }

    /// <summary>invenio writes <c>datetime.utcnow().isoformat()</c>: no offset means UTC.</summary>
    private static DateTimeOffset? ReadTimestamp(JsonElement root, List<string> problems)
    {
        if (!root.TryGetProperty("timestamp", out var value) || value.ValueKind != JsonValueKind.String)
        {
            problems.Add("field 'timestamp' is required (an ISO 8601 string)");
            return null;
        }

        if (DateTimeOffset.TryParse(
            value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var timestamp))
        {
            return timestamp;
        }

        problems.Add($"field 'timestamp' is not an ISO 8601 date-time: '{value.GetString()}'");
        return null;
    }

    /// <summary>A field that may be a string or a number (user ids often are numbers); null and empty mean absent.</summary>
    private static void Text(JsonElement root, string name, Dictionary<string, object> fields, List<string> problems, string? wireName = null)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String when value.GetString() is { Length: > 0 } text:
                fields[wireName ?? name] = text;
                break;
            case JsonValueKind.Number:
                fields[wireName ?? name] = value.GetRawText();
                break;
            case JsonValueKind.Null or JsonValueKind.String:
                break;
            default:
                problems.Add($"field '{name}' must be a string, not a JSON {value.ValueKind.ToString().ToLowerInvariant()}");
                break;
        }
    }
}
