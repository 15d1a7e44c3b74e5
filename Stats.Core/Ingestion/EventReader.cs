using System.Text.Json;
using System.Text.Unicode;
using Stats.Core.Events;

namespace Stats.Core.Ingestion;

/// <summary>The body of a batch is not JSON (or NDJSON) at all: nothing of it may be stored.</summary>
public sealed class MalformedBatchException(string message) : Exception(message);

/// <summary>A batch as read: the events that parsed, by their index in the batch, and those that did not, with why.</summary>
public sealed record ReadBatch(IReadOnlyList<(int Index, IncomingEvent Event)> Events, IReadOnlyList<RejectedEvent> Rejected)
{
    public int Count => Events.Count + Rejected.Count;
}

/// <summary>
/// Reads a batch of events from a JSON array or from NDJSON, checking each field's JSON type as it goes (the
/// catalog's own rules, such as required fields, are <see cref="EventValidator"/>'s). A body that is not JSON at all
/// throws <see cref="MalformedBatchException"/>; an element that is wrong on its own is rejected with readable
/// reasons while the others are kept.
/// </summary>
public static class EventReader
{
    private const string NotUtf8 = "line is not valid UTF-8";
    private const string NotUnicode = "is not valid Unicode (malformed UTF-8 or a lone surrogate)";

    private static readonly Dictionary<string, FieldKind> s_kinds = EventCatalog.BuiltIn
        .SelectMany(d => d.Fields).Concat(EventDefinition.CommonFields)
        .GroupBy(f => f.Name, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.First().Kind, StringComparer.Ordinal);

    /// <summary>A JSON array of event objects.</summary>
    public static ReadBatch ReadJsonArray(ReadOnlySpan<byte> utf8, int maxEvents)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var events = new List<(int, IncomingEvent)>();
        var rejected = new List<RejectedEvent>();
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                throw new MalformedBatchException("The body must be a JSON array of events (or NDJSON with Content-Type application/x-ndjson).");
            }

            var index = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (index >= maxEvents)
                {
                    throw new BatchTooLargeException(maxEvents);
                }

                Collect(ReadElement(ref reader), index++, events, rejected);
            }

            if (reader.Read())
            {
                throw new MalformedBatchException("Unexpected content after the JSON array.");
            }
        }
        catch (JsonException ex)
        {
            throw new MalformedBatchException($"The body is not valid JSON: {ex.Message}");
        }

        return new ReadBatch(events, rejected);
    }

    /// <summary>Newline-delimited JSON: one event object per line; blank lines are skipped, a broken line is rejected alone.</summary>
    public static ReadBatch ReadNdjson(ReadOnlySpan<byte> utf8, int maxEvents)
    {
        var events = new List<(int, IncomingEvent)>();
        var rejected = new List<RejectedEvent>();
        var index = 0;
        var anyJson = false;
        while (!utf8.IsEmpty)
        {
            var end = utf8.IndexOf((byte)'\n');
            var line = end < 0 ? utf8 : utf8[..end];
            utf8 = end < 0 ? [] : utf8[(end + 1)..];
            line = line.Trim(" \t\r"u8);
            if (line.IsEmpty)
            {
                continue;
            }

            if (index >= maxEvents)
            {
                throw new BatchTooLargeException(maxEvents);
            }

            if (!Utf8.IsValid(line))
            {
                // Decoded line by line, so that one broken line is rejected alone.
                rejected.Add(new RejectedEvent(index++, [NotUtf8]));
                continue;
            }

            var reader = new Utf8JsonReader(line);
            try
            {
                reader.Read();
                var element = ReadElement(ref reader);
                if (reader.Read())
                {
                    element = Parsed.Failed("more than one JSON value on the line");
                }

                anyJson = true;
                Collect(element, index++, events, rejected);
            }
            catch (JsonException ex)
            {
                rejected.Add(new RejectedEvent(index++, [$"line is not valid JSON: {ex.Message}"]));
            }
        }

        if (!anyJson && rejected.Count > 0)
        {
            throw new MalformedBatchException("The body is not NDJSON: no line holds a JSON object.");
        }

        return new ReadBatch(events, rejected);
    }

    private static void Collect(Parsed element, int index, List<(int, IncomingEvent)> events, List<RejectedEvent> rejected)
    {
        if (element.Event is { } e && element.Errors.Count == 0)
        {
            events.Add((index, e));
        }
        else
        {
            rejected.Add(new RejectedEvent(index, element.Errors));
        }
    }

    /// <summary>Reads one element (the reader is on its first token) and leaves the reader on its last token.</summary>
    private static Parsed ReadElement(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return Parsed.Failed("an event must be a JSON object");
        }

        var fields = new Fields();
        var errors = new List<string>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (TryGetString(ref reader) is not { } name)
            {
                reader.Read();
                reader.Skip();
                errors.Add($"a field name {NotUnicode}");
                continue;
            }

            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            if (!s_kinds.TryGetValue(name, out var kind))
            {
                // Fields the catalog does not know are tolerated and dropped: clients may send more than we keep.
                reader.Skip();
                continue;
            }

            if (ReadValue(ref reader, kind, out var undecodable) is { } value)
            {
                fields.Set(name, value);
            }
            else if (undecodable)
            {
                errors.Add($"field '{name}' {NotUnicode}");
            }
            else
            {
                errors.Add($"field '{name}' must be {Describe(kind)}");
            }
        }

        errors.AddRange(fields.Check());
        return errors.Count > 0 ? new Parsed(null, errors) : new Parsed(fields.ToEvent(), errors);
    }

    private static object? ReadValue(ref Utf8JsonReader reader, FieldKind kind, out bool undecodable)
    {
        undecodable = false;
        switch (kind)
        {
            case FieldKind.Text when reader.TokenType == JsonTokenType.String:
                var text = TryGetString(ref reader);
                undecodable = text is null;
                return text;
            case FieldKind.Text when reader.TokenType == JsonTokenType.Number:
                // Ids are often numbers (CDS recids): accept them as their text.
                return System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
            case FieldKind.Number when reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number) && number >= 0:
                return number;
            case FieldKind.Flag when reader.TokenType is JsonTokenType.True or JsonTokenType.False:
                return reader.GetBoolean();
            case FieldKind.TextList when reader.TokenType == JsonTokenType.StartArray:
                var list = new List<string>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        reader.Skip();
                        SkipToEndOfArray(ref reader);
                        return null;
                    }

                    if (TryGetString(ref reader) is not { } item)
                    {
                        undecodable = true;
                        SkipToEndOfArray(ref reader);
                        return null;
                    }

                    list.Add(item);
                }

                return list;
            default:
                reader.Skip();
                return null;
        }
    }

    /// <summary>
    /// The string the reader is on, or null when it cannot be decoded: raw bytes that are not UTF-8 (<c>0xFF</c>, an
    /// overlong sequence) or an escaped lone surrogate (<c>"\ud800"</c>). The reader finds those only when decoding.
    /// </summary>
    private static string? TryGetString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static void SkipToEndOfArray(ref Utf8JsonReader reader)
    {
        while (reader.TokenType != JsonTokenType.EndArray && reader.Read())
        {
            reader.Skip();
        }
    }

    private static string Describe(FieldKind kind) => kind switch
    {
        FieldKind.Text => "a string",
        FieldKind.Number => "a whole number, zero or more",
        FieldKind.Flag => "true or false",
        FieldKind.TextList => "an array of strings",
        _ => kind.ToString(),
    };

    private readonly record struct Parsed(IncomingEvent? Event, IReadOnlyList<string> Errors)
    {
        public static Parsed Failed(string error) => new(null, [error]);
    }

    /// <summary>The values of one event object as read, checked against its type's definition at the end.</summary>
    private sealed class Fields
    {
        private readonly Dictionary<string, object> _values = new(StringComparer.Ordinal);
        private DateTimeOffset? _timestamp;

        public void Set(string name, object value) => _values[name] = value;

        public IEnumerable<string> Check()
        {
            if (Text("type") is null)
            {
                yield return "field 'type' is required";
                yield break;
            }

            if (Text("timestamp") is null)
            {
                yield return "field 'timestamp' is required";
            }

            if (Text("timestamp") is { } timestamp && ParsedTimestamp is null)
            {
                yield return $"field 'timestamp' is not an ISO 8601 date and time: '{timestamp}'";
            }
        }

        public IncomingEvent ToEvent() => IncomingEvent.FromFields(Text("type")!, ParsedTimestamp!.Value, _values);

        /// <summary>The timestamp, parsed once for the check and the event: parsing is the dearest step of reading an event.</summary>
        private DateTimeOffset? ParsedTimestamp => _timestamp ??= Text("timestamp") is { } text ? ParseTimestamp(text) : null;

        /// <summary>ISO 8601; without an offset the time is UTC (docs/domain/events.md#common-fields).</summary>
        private static DateTimeOffset? ParseTimestamp(string text) => IsoTimestamp.Parse(text);

        private string? Text(string name) => _values.GetValueOrDefault(name) as string;
    }
}

/// <summary>More events in one batch than the configured maximum.</summary>
public sealed class BatchTooLargeException(int maxEvents) : Exception($"A batch may hold at most {maxEvents} events.")
{
    public int MaxEvents { get; } = maxEvents;
}
