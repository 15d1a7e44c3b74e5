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

/// <summary>A batch validated and anonymised, not stored yet: the valid events with their rows, index by index, and the rejected ones.</summary>
public sealed record PreparedEvents(IReadOnlyList<IncomingEvent> Valid, IReadOnlyList<RawEvent> Rows, IReadOnlyList<RejectedEvent> Rejected);

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
    TimeProvider clock,
    VisitorSources? sources = null)
{
    public Task<IngestResult> IngestAsync(IReadOnlyList<IncomingEvent> events, CancellationToken cancellationToken = default) =>
        IngestAsync(events, anonymised: null, retention.Value, cancellationToken);

    /// <summary>
    /// Ingests history (an import): events older than the retention horizon are accepted too, because an import brings
    /// whole days; their days are aggregated like any other and retention then purges their raw events.
    /// </summary>
    public Task<IngestResult> IngestHistoryAsync(IReadOnlyList<IncomingEvent> events, CancellationToken cancellationToken = default) =>
        IngestAsync(events, anonymised: null, horizon: null, cancellationToken);

    /// <summary>
    /// Stores events anonymised earlier by <see cref="AnonymiseAsync"/> (a download that waited for its record; its
    /// identity is gone and <paramref name="rows"/> hold what became of it), validated again since time has passed.
    /// <paramref name="history"/> as for <see cref="IngestHistoryAsync"/>: no retention horizon.
    /// </summary>
    public Task<IngestResult> IngestAnonymisedAsync(
        IReadOnlyList<IncomingEvent> events, IReadOnlyList<RawEvent> rows, bool history = false, CancellationToken cancellationToken = default) =>
        IngestAsync(events, rows, history ? null : retention.Value, cancellationToken);

    /// <summary>Why <paramref name="e"/> cannot be ingested now (none when it can), by the rules <see cref="IngestAsync(IReadOnlyList{IncomingEvent}, CancellationToken)"/> applies.</summary>
    public async Task<IReadOnlyList<string>> ValidateAsync(IncomingEvent e, CancellationToken cancellationToken = default) =>
        EventValidator.Validate(e, await types.FindAsync(e.Type, cancellationToken), clock.GetUtcNow(), options.Value.MaxFutureSkew, retention.Value);

    /// <summary>
    /// Anonymises an event without storing it, for an event that must wait before it can be stored (a download whose
    /// record is not known yet) and must not keep its raw identity while it waits. Its type must be known.
    /// </summary>
    public async Task<RawEvent> AnonymiseAsync(IncomingEvent e, CancellationToken cancellationToken = default)
    {
        var definition = await types.FindAsync(e.Type, cancellationToken) ?? throw new ArgumentException($"Unknown event type '{e.Type}'.", nameof(e));
        return await EnrichAsync(e, definition, cancellationToken);
    }

    /// <summary>
    /// Validates and anonymises history (as <see cref="IngestHistoryAsync"/>) without storing it: an import prepares its
    /// next batches while the writer commits the previous ones, then hands them over in file order with <see cref="StoreAsync"/>.
    /// </summary>
    public Task<PreparedEvents> PrepareHistoryAsync(IReadOnlyList<IncomingEvent> events, CancellationToken cancellationToken = default) =>
        PrepareAsync(events, anonymised: null, horizon: null, cancellationToken);

    /// <summary>Queues a prepared batch for the writer before it returns, and completes once the batch is committed.</summary>
    public Task<IngestResult> StoreAsync(PreparedEvents prepared, CancellationToken cancellationToken = default)
    {
        if (prepared.Valid.Count == 0)
        {
            return Task.FromResult(new IngestResult(0, 0, prepared.Rejected));
        }

        var written = writer.WriteAsync(prepared.Valid, prepared.Rows, cancellationToken);
        return ResultAsync(written, prepared.Rejected);

        static async Task<IngestResult> ResultAsync(Task<WriteResult> written, IReadOnlyList<RejectedEvent> rejected)
        {
            var result = await written;
            return new IngestResult(result.Stored, result.Duplicates, rejected);
        }
    }

    private async Task<IngestResult> IngestAsync(
        IReadOnlyList<IncomingEvent> events, IReadOnlyList<RawEvent>? anonymised, RetentionOptions? horizon, CancellationToken cancellationToken) =>
        await StoreAsync(await PrepareAsync(events, anonymised, horizon, cancellationToken), cancellationToken);

    /// <summary>
    /// Validates and anonymises (or takes the rows of events anonymised earlier: <paramref name="anonymised"/>, index by
    /// index); <paramref name="horizon"/> null accepts events of any age.
    /// </summary>
    private async Task<PreparedEvents> PrepareAsync(
        IReadOnlyList<IncomingEvent> events, IReadOnlyList<RawEvent>? anonymised, RetentionOptions? horizon, CancellationToken cancellationToken)
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
            if (anonymised is null)
            {
                rows.Add(await EnrichAsync(events[i], definition!, cancellationToken));
            }
            else
            {
                anonymised[i].TypeId = definition!.Code;
                rows.Add(anonymised[i]);
            }
        }

        return new PreparedEvents(valid, rows, rejected);
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
        var agent = anonymised is null ? classifier.Describe(e.UserAgent) : default;
        var traits = anonymised is null
            ? agent.Traits
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
        // Parsed once for both the country and the organisation.
        var address = anonymised is null ? PublicAddress.Parse(e.IpAddress) : null;
        var day = DateOnly.FromDateTime(timestamp);
        var salt = visitor is null && session is null ? null : await salts.GetAsync(day, cancellationToken);
        var precedingSalt = visitor is not null && CounterRules.MayCloseDoubleClickOfPrecedingDay(timestamp) && day > DateOnly.MinValue
            ? await salts.GetAsync(day.AddDays(-1), cancellationToken)
            : null;
        return new RawEvent
        {
            TypeId = definition.Code,
            Timestamp = timestamp,
            Country = anonymised is null ? countries.CountryOf(address) : anonymised.Country,
            Traits = traits,
            VisitorHash = visitor is null ? null : DailySaltStore.Hash(salt!, visitor),
            SessionHash = session is null ? null : DailySaltStore.Hash(salt!, session),
            PrecedingVisitorHash = precedingSalt is null ? null : DailySaltStore.Hash(precedingSalt, visitor!),
            Amount = e.ValueOf(definition.AmountField) as long?,
            ClientIdHash = e.Id is null ? null : ClientIdHash(e.Id),
            Sources = sources?.Describe(address, e.Referrer, agent.Family),
        };
    }
}
