using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stats.Core.Catalog;
using Stats.Core.Data;
using Stats.Core.Ingestion;

namespace Stats.Core.Sources.Amqp;

/// <summary>What a held event keeps besides its bucket and time: the event's stored fields and its enrichment.</summary>
internal sealed record HeldPayload(
    string Type,
    string? FileKey,
    long? Size,
    bool ViaApi,
    string? Country,
    EventTraits Traits,
    long? VisitorHash,
    long? SessionHash,
    long? PrecedingVisitorHash,
    long? Amount,
    long? ClientIdHash,
    Enrichment.EventSources? Sources = null);

/// <summary>
/// The holding table of downloads whose bucket's record is not known yet (<see cref="HeldEvent"/>): they are held
/// anonymised, released through the ingestor once the bucket → record map knows their bucket, and dead-lettered with
/// their reason once they have waited <see cref="AmqpOptions.HoldFor"/>. Never dropped.
/// </summary>
public sealed class HeldEventStore(
    IDbContextFactory<StatsDbContext> contexts, EventIngestor ingestor, IOptions<AmqpOptions> options, AmqpSourceState state, TimeProvider clock)
{
    /// <summary>Held events claimed and released in one go at most.</summary>
    private const int ReleaseBatch = 5000;

    /// <summary>How long a claim keeps other instances off the claimed events: longer than a release takes.</summary>
    private static readonly TimeSpan s_claimFor = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Anonymises the downloads and commits them to the holding table; returns those that are not valid events, by
    /// index, with their reasons (they are not held).
    /// </summary>
    public async Task<IReadOnlyList<(int Index, IReadOnlyList<string> Errors)>> HoldAsync(IReadOnlyList<InvenioMessage> messages, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var rejected = new List<(int, IReadOnlyList<string>)>();
        var held = new List<HeldEvent>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            // Validated with the bucket standing in for the record it will have: every other rule is checked now.
            var e = message.ToEvent(recid: message.BucketId);
            var errors = await ingestor.ValidateAsync(e, cancellationToken);
            if (errors.Count > 0)
            {
                rejected.Add((i, errors));
                continue;
            }

            var row = await ingestor.AnonymiseAsync(e, cancellationToken);

            var payload = new HeldPayload(
                e.Type, e.FileKey, e.Size, e.ViaApi, row.Country, row.Traits, row.VisitorHash, row.SessionHash, row.PrecedingVisitorHash, row.Amount, row.ClientIdHash, row.Sources);
            held.Add(new HeldEvent
            {
                BucketId = message.BucketId!,
                EventId = message.Id,
                Timestamp = row.Timestamp,
                HeldAt = now,
                Payload = JsonSerializer.Serialize(payload),
            });
        }

        if (held.Count > 0)
        {
            await using var context = await contexts.CreateDbContextAsync(cancellationToken);
            context.HeldEvents.AddRange(held);
            await context.SaveChangesAsync(cancellationToken);
        }

        return rejected;
    }

    /// <summary>How many events are held now.</summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        return await context.HeldEvents.LongCountAsync(cancellationToken);
    }

    /// <summary>
    /// Stores the held events whose bucket is known now and dead-letters those that waited too long (or that are no
    /// longer valid events), then forgets both; returns how many left the table.
    /// </summary>
    internal async Task<int> ReleaseAsync(DeadLetters deadLetters, CancellationToken cancellationToken)
    {
        var left = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var released = await ReleaseBatchAsync(deadLetters, cancellationToken);
            left += released;
            if (released < ReleaseBatch)
            {
                return left;
            }
        }

        return left;
    }

    private async Task<int> ReleaseBatchAsync(DeadLetters deadLetters, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var expiredBefore = now - options.Value.HoldFor;
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var buckets = await context.HeldEvents.Select(h => h.BucketId).Distinct().ToListAsync(cancellationToken);
        if (buckets.Count == 0)
        {
            return 0;
        }

        var known = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in buckets.Chunk(500))
        {
            foreach (var pair in await CatalogKeys.RecordsOfBuckets(context, chunk).ToListAsync(cancellationToken))
            {
                known[pair.BucketId] = pair.Recid;
            }
        }

        var knownBuckets = known.Keys.ToList();
        var candidates = await context.HeldEvents
            .Where(h => (knownBuckets.Contains(h.BucketId) || h.HeldAt < expiredBefore) && (h.ClaimedUntil == null || h.ClaimedUntil < now))
            .OrderBy(h => h.Id)
            .Select(h => h.Id)
            .Take(ReleaseBatch)
            .ToListAsync(cancellationToken);
        if (candidates.Count == 0)
        {
            return 0;
        }

        // A claim, so that two consumers of one queue never release the same events at the same time.
        var claim = Guid.NewGuid().ToString("N");
        var until = now + s_claimFor;
        await context.HeldEvents
            .Where(h => candidates.Contains(h.Id) && (h.ClaimedUntil == null || h.ClaimedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(h => h.ClaimedBy, claim).SetProperty(h => h.ClaimedUntil, until), cancellationToken);
        var claimed = await context.HeldEvents.AsNoTracking().Where(h => h.ClaimedBy == claim).ToListAsync(cancellationToken);

        var letters = new List<DeadLetter>();
        var events = new List<IncomingEvent>();
        var rows = new List<RawEvent>();
        var releasing = new List<HeldEvent>();
        foreach (var held in claimed)
        {
            var payload = JsonSerializer.Deserialize<HeldPayload>(held.Payload)!;
            if (known.TryGetValue(held.BucketId, out var recid))
            {
                events.Add(ToEvent(held, payload, recid));
                rows.Add(ToRow(held, payload));
                releasing.Add(held);
            }
            else
            {
                letters.Add(Letter(held, payload, $"bucket '{held.BucketId}' belongs to no known record after {options.Value.HoldFor} of waiting"));
            }
        }

        if (events.Count > 0)
        {
            var result = await ingestor.IngestAnonymisedAsync(events, rows, cancellationToken: cancellationToken);
            letters.AddRange(result.Rejected.Select(r => Letter(releasing[r.Index], JsonSerializer.Deserialize<HeldPayload>(releasing[r.Index].Payload)!, r.Errors)));
        }

        await deadLetters.PublishAsync(letters, cancellationToken);
        await context.HeldEvents.Where(h => h.ClaimedBy == claim).ExecuteDeleteAsync(cancellationToken);
        state.OnDeadLettered(letters.Count);
        return claimed.Count;
    }

    private static IncomingEvent ToEvent(HeldEvent held, HeldPayload payload, string recid) => new()
    {
        Type = payload.Type,
        Timestamp = new DateTimeOffset(DateTime.SpecifyKind(held.Timestamp, DateTimeKind.Utc)),
        Id = held.EventId,
        Recid = recid,
        BucketId = held.BucketId,
        FileKey = payload.FileKey,
        Size = payload.Size,
        ViaApi = payload.ViaApi,
    };

    private static RawEvent ToRow(HeldEvent held, HeldPayload payload) => new()
    {
        Timestamp = DateTime.SpecifyKind(held.Timestamp, DateTimeKind.Utc),
        Country = payload.Country,
        Traits = payload.Traits,
        VisitorHash = payload.VisitorHash,
        SessionHash = payload.SessionHash,
        PrecedingVisitorHash = payload.PrecedingVisitorHash,
        Amount = payload.Amount,
        ClientIdHash = payload.ClientIdHash,
        Sources = payload.Sources,
    };

    /// <summary>A held event's dead letter: what is left of it (anonymised), since the original body was not kept.</summary>
    private static DeadLetter Letter(HeldEvent held, HeldPayload payload, params IReadOnlyList<string> reasons)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            id = held.EventId,
            timestamp = DateTime.SpecifyKind(held.Timestamp, DateTimeKind.Utc),
            bucket_id = held.BucketId,
            file_key = payload.FileKey,
            size = payload.Size,
            via_api = payload.ViaApi,
            country = payload.Country,
        });
        return new DeadLetter(payload.Type, body, reasons);
    }
}
