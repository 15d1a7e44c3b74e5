using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Stats.Core.Counting;
using Stats.Core.Data;
using Stats.Core.Enrichment;
using Stats.Core.Events;
using Stats.Core.Retention;

namespace Stats.Core.Ingestion;

/// <summary>What became of one batch: events stored, events already stored before (same client id), events rejected.</summary>
public sealed record IngestResult(int Accepted, int Duplicates, IReadOnlyList<RejectedEvent> Rejected);

/// <summary>An event of a batch that was not stored, with why.</summary>
public sealed record RejectedEvent(int Index, IReadOnlyList<string> Errors);

/// <summary>
/// The front door of the store: validates events against the catalog, enriches and anonymises them, and hands
/// them to the <see cref="EventWriter"/>, returning once they are committed. After this step no raw IP, user agent,
/// user id or session id exists anywhere.
/// </summary>
public sealed class EventIngestor(
    EventWriter writer,
    EventTypeRegistry types,
    UserAgentClassifier classifier,
    CountryResolver countries,
    DailySaltStore salts,
    IOptions<IngestionOptions> options,
    IOptions<RetentionOptions> retention,
    TimeProvider clock)
{
    public Task<IngestResult> IngestAsync(IReadOnlyList<IncomingEvent> events, CancellationToken cancellationToken = default) =>
        IngestAsync(events, retention.Value, cancellationToken);

    /// <summary>
    /// Ingests history (an import): events older than the retention horizon are accepted too, because an import brings
    /// whole days; their days are aggregated like any other and retention then purges their raw events.
    /// </summary>
    public Task<IngestResult> IngestHistoryAsync(IReadOnlyList<IncomingEvent> events, CancellationToken cancellationToken = default) =>
        IngestAsync(events, null, cancellationToken);

    private async Task<IngestResult> IngestAsync(IReadOnlyList<IncomingEvent> events, RetentionOptions? horizon, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var rejected = new List<RejectedEvent>();
        var valid = new List<IncomingEvent>(events.Count);
        var rows = new List<RawEvent>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var definition = await types.FindAsync(events[i].Type, cancellationToken);
            var errors = EventValidator.Validate(events[i], definition, now, options.Value.MaxFutureSkew, horizon);
            if (errors.Count > 0)
            {
                rejected.Add(new RejectedEvent(i, errors));
                continue;
            }

            valid.Add(events[i]);
            rows.Add(await EnrichAsync(events[i], definition!, cancellationToken));
        }

        if (valid.Count == 0)
        {
            return new IngestResult(0, 0, rejected);
        }

        var written = await writer.WriteAsync(valid, rows, cancellationToken);
        return new IngestResult(written.Stored, written.Duplicates, rejected);
    }

    /// <summary>
    /// Validates and anonymises one event without storing it, for an event that must wait before it can be stored
    /// (a download whose record is not known yet) and must not keep its raw identity while it waits.
    /// </summary>
    public async Task<(RawEvent? Row, IReadOnlyList<string> Errors)> AnonymiseAsync(IncomingEvent e, CancellationToken cancellationToken = default)
    {
        var definition = await types.FindAsync(e.Type, cancellationToken);
        var errors = EventValidator.Validate(e, definition, clock.GetUtcNow(), options.Value.MaxFutureSkew, retention.Value);
        return errors.Count > 0 ? (null, errors) : (await EnrichAsync(e, definition!, cancellationToken), []);
    }

    /// <summary>
    /// Stores events anonymised earlier by <see cref="AnonymiseAsync"/> (their identity fields are gone; <paramref name="rows"/>
    /// hold what became of them), validated again since time has passed (the retention horizon moves on).
    /// </summary>
    public async Task<IngestResult> IngestAnonymisedAsync(IReadOnlyList<IncomingEvent> events, IReadOnlyList<RawEvent> rows, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var rejected = new List<RejectedEvent>();
        var valid = new List<IncomingEvent>(events.Count);
        var validRows = new List<RawEvent>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var definition = await types.FindAsync(events[i].Type, cancellationToken);
            var errors = EventValidator.Validate(events[i], definition, now, options.Value.MaxFutureSkew, retention.Value);
            if (errors.Count > 0)
            {
                rejected.Add(new RejectedEvent(i, errors));
                continue;
            }

            rows[i].TypeId = definition!.Code;
            valid.Add(events[i]);
            validRows.Add(rows[i]);
        }

        if (valid.Count == 0)
        {
            return new IngestResult(0, 0, rejected);
        }

        var written = await writer.WriteAsync(valid, validRows, cancellationToken);
        return new IngestResult(written.Stored, written.Duplicates, rejected);
    }

    /// <summary>
    /// The rows of events that cannot be stored yet (a download whose record is not known yet) but must be anonymised
    /// now: what they identify is not kept until then. Their type must be known.
    /// </summary>
    public async Task<IReadOnlyList<RawEvent>> AnonymiseAsync(IReadOnlyList<IncomingEvent> events, CancellationToken cancellationToken = default)
    {
        var rows = new List<RawEvent>(events.Count);
        foreach (var e in events)
        {
            var definition = await types.FindAsync(e.Type, cancellationToken)
                ?? throw new ArgumentException($"Unknown event type '{e.Type}'.", nameof(events));
            rows.Add(await EnrichAsync(e, definition, cancellationToken));
        }

        return rows;
    }

    /// <summary>Stores events anonymised earlier (<see cref="AnonymiseAsync"/>) with their rows as they are.</summary>
    public async Task<IngestResult> StoreAnonymisedAsync(IReadOnlyList<IncomingEvent> events, IReadOnlyList<RawEvent> rows, CancellationToken cancellationToken = default)
    {
        var written = await writer.WriteAsync(events, rows, cancellationToken);
        return new IngestResult(written.Stored, written.Duplicates, []);
    }

    /// <summary>Hash of a client's event id: not personal data, so one fixed key is enough.</summary>
    public static long ClientIdHash(string id)
    {
        // Hashes "stats-event-id|" + id, encoded on the stack: half the events of a busy feed carry an id.
        ReadOnlySpan<byte> prefix = "stats-event-id|"u8;
        var length = prefix.Length + Encoding.UTF8.GetByteCount(id);
        byte[]? rented = null;
        Span<byte> utf8 = length <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(length));
        prefix.CopyTo(utf8);
        Encoding.UTF8.GetBytes(id, utf8[prefix.Length..]);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(utf8[..length], digest);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return BitConverter.ToInt64(digest[..8]);
    }

    /// <summary>Turns the identifying fields into flags, a country and salted hashes; keeps nothing else of them.</summary>
    private async Task<RawEvent> EnrichAsync(IncomingEvent e, EventDefinition definition, CancellationToken cancellationToken)
    {
        var timestamp = e.Timestamp.UtcDateTime;
        var anonymised = e.Anonymised;
        var traits = anonymised is null
            ? classifier.Classify(e.UserAgent)
            : (anonymised.IsRobot ? EventTraits.Robot : 0) | (anonymised.IsMachine ? EventTraits.Machine : 0);
        if (e.ViaApi)
        {
            traits |= EventTraits.ViaApi;
        }

        if (e.IsPreview)
        {
            traits |= EventTraits.Preview;
        }

        var visitor = anonymised is null
            ? CounterIdentity.VisitorKey(e.UserId, e.SessionId, e.IpAddress, e.UserAgent)
            : CounterIdentity.AnonymisedVisitorKey(anonymised.VisitorId, anonymised.SessionId);
        var session = anonymised is null
            ? CounterIdentity.SessionKey(e.UserId, e.SessionId, e.IpAddress, e.UserAgent, timestamp)
            : CounterIdentity.AnonymisedSessionKey(anonymised.SessionId, timestamp);
        var day = DateOnly.FromDateTime(timestamp);
        var salt = visitor is null && session is null ? null : await salts.GetAsync(day, cancellationToken);
        var precedingSalt = visitor is not null && CounterRules.MayCloseDoubleClickOfPrecedingDay(timestamp) && day > DateOnly.MinValue
            ? await salts.GetAsync(day.AddDays(-1), cancellationToken)
            : null;
        return new RawEvent
        {
            TypeId = definition.Code,
            Timestamp = timestamp,
            Country = anonymised is null ? countries.CountryOf(e.IpAddress) : anonymised.Country,
            Traits = traits,
            VisitorHash = visitor is null ? null : DailySaltStore.Hash(salt!, visitor),
            SessionHash = session is null ? null : DailySaltStore.Hash(salt!, session),
            PrecedingVisitorHash = precedingSalt is null ? null : DailySaltStore.Hash(precedingSalt, visitor!),
            Amount = e.ValueOf(definition.AmountField) as long?,
            ClientIdHash = e.Id is null ? null : ClientIdHash(e.Id),
        };
    }
}
