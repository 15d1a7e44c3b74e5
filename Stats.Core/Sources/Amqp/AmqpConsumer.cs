using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Stats.Core.Catalog;
using Stats.Core.Data;
using Stats.Core.Ingestion;

namespace Stats.Core.Sources.Amqp;

/// <summary>
/// Consumes invenio-stats' events from a queue of our own bound to its exchange, and hands them to the same door as
/// <c>POST /api/events</c> (<see cref="EventIngestor"/>). A message is acknowledged only once its event is committed,
/// held (<see cref="HeldEventStore"/>) or dead-lettered; a lost connection is retried with backoff, and what was not
/// acknowledged comes again, stored once thanks to the idempotency id derived from the message.
/// </summary>
public sealed class AmqpConsumer(
    IOptions<AmqpOptions> options,
    EventIngestor ingestor,
    HeldEventStore held,
    IDbContextFactory<StatsDbContext> contexts,
    AmqpSourceState state,
    TimeProvider clock,
    ILogger<AmqpConsumer> logger) : BackgroundService
{
    /// <summary>
    /// Batches being read, enriched or committed at once. Several, so that the next batches are enriched while one
    /// commits, and the writer merges those that wait into one transaction (one disk flush for all of them).
    /// </summary>
    private const int BatchesInFlight = 4;

    private static readonly TimeSpan s_depthEvery = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        state.Enabled = settings.Enabled;
        if (!settings.Enabled)
        {
            logger.LogInformation("The queue consumer is off: {Section}:Uri is not set.", AmqpOptions.SectionName);
            return;
        }

        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            var consumed = false;
            try
            {
                consumed = await ConsumeAsync(settings, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                var cause = Describe(ex);
                state.OnFailed(cause);
                logger.LogWarning("The queue consumer lost {Broker} ({Cause}); trying again in {Delay} s.", settings.Broker, cause, delay.TotalSeconds);
            }

            // A connection that worked starts the backoff again; a broker that stays down is asked less and less often.
            delay = consumed ? TimeSpan.FromSeconds(1) : TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, settings.MaxReconnectDelay.Ticks));
            try
            {
                await Task.Delay(delay, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One connection's life: consumes until it is lost; true when it got as far as consuming.</summary>
    private async Task<bool> ConsumeAsync(AmqpOptions settings, CancellationToken stoppingToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(settings.Uri!),
            // Recovery is ours (backoff, state, metrics), so that every reconnect is seen and counted.
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
            ClientProvidedName = $"stats@{Environment.MachineName}",
        };
        await using var connection = await factory.CreateConnectionAsync(stoppingToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
        await using var deadLetters = await DeadLetters.OpenAsync(connection, settings.DeadLetterQueue, clock, stoppingToken);
        await channel.ExchangeDeclareAsync(settings.Exchange, ExchangeType.Direct, durable: true, autoDelete: false, cancellationToken: stoppingToken);
        await channel.QueueDeclareAsync(settings.Queue, durable: true, exclusive: false, autoDelete: false, arguments: null, cancellationToken: stoppingToken);
        foreach (var key in settings.RoutingKeys.Keys)
        {
            await channel.QueueBindAsync(settings.Queue, settings.Exchange, key, cancellationToken: stoppingToken);
        }

        await channel.BasicQosAsync(0, (ushort)settings.Prefetch, global: false, stoppingToken);

        using var session = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var deliveries = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        string? lostBecause = null;
        connection.ConnectionShutdownAsync += (_, args) =>
        {
            lostBecause ??= $"connection closed: {args.ReplyCode} {args.ReplyText}";
            deliveries.Writer.TryComplete();
            return Task.CompletedTask;
        };
        channel.ChannelShutdownAsync += (_, args) =>
        {
            lostBecause ??= $"channel closed: {args.ReplyCode} {args.ReplyText}";
            deliveries.Writer.TryComplete();
            return Task.CompletedTask;
        };

        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            // The body's memory belongs to the client once this handler returns: it is copied.
            deliveries.Writer.TryWrite(new Delivery(delivery.DeliveryTag, delivery.RoutingKey, delivery.Body.ToArray()));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(settings.Queue, autoAck: false, consumer, stoppingToken);
        state.OnConnected();
        logger.LogInformation("The queue consumer reads {Queue} on {Broker}.", settings.Queue, settings.Broker);

        var inFlight = Channel.CreateBounded<Task<(ulong LastTag, int Count)>>(BatchesInFlight - 1);
        // The batches in flight hold at most half of the prefetch window: the broker goes on delivering the other half
        // while they are stored, so a batch that starts finds messages waiting instead of one round trip's worth.
        var batchSize = Math.Max(1, settings.Prefetch / (2 * BatchesInFlight));
        var reading = ReadAsync(deliveries.Reader, inFlight.Writer, deadLetters, batchSize, session.Token);
        var acking = AckAsync(inFlight.Reader, channel, session.Token);
        var releasing = RepeatAsync(settings.RetryHeldEvery, ct => held.ReleaseAsync(deadLetters, ct), session.Token);
        var depth = RepeatAsync(s_depthEvery, async ct => state.OnQueueDepth(await channel.MessageCountAsync(settings.Queue, ct)), session.Token);

        var first = await Task.WhenAny(reading, acking, releasing, depth);
        session.Cancel();
        await Task.WhenAll(reading, acking, releasing, depth).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        stoppingToken.ThrowIfCancellationRequested();
        if (first.Exception?.GetBaseException() is { } error and not OperationCanceledException)
        {
            throw error;
        }

        throw new IOException(lostBecause ?? "the broker closed the connection");
    }

    /// <summary>Reads deliveries in batches and starts storing each, in order.</summary>
    private async Task ReadAsync(
        ChannelReader<Delivery> deliveries, ChannelWriter<Task<(ulong, int)>> inFlight, DeadLetters deadLetters, int batchSize, CancellationToken cancellationToken)
    {
        try
        {
            // Room first, then the batch: while the batches in flight are stored, deliveries pile up and the next batch is
            // large. It takes what has arrived and never waits for more: a quiet queue's few messages are stored at once.
            while (await inFlight.WaitToWriteAsync(cancellationToken) && await deliveries.WaitToReadAsync(cancellationToken))
            {
                var batch = new List<Delivery>(Math.Min(batchSize, 1024));
                while (batch.Count < batchSize && deliveries.TryRead(out var delivery))
                {
                    batch.Add(delivery);
                }

                // The only writer, after WaitToWriteAsync said there is room: this cannot fail.
                inFlight.TryWrite(StoreAsync(batch, deadLetters, cancellationToken));
            }
        }
        finally
        {
            inFlight.TryComplete();
        }
    }

    /// <summary>Acknowledges each batch once it is stored, in the order they were read (one ack covers a whole batch).</summary>
    private async Task AckAsync(ChannelReader<Task<(ulong LastTag, int Count)>> inFlight, IChannel channel, CancellationToken cancellationToken)
    {
        await foreach (var batch in inFlight.ReadAllAsync(CancellationToken.None))
        {
            var (lastTag, count) = await batch;
            await channel.BasicAckAsync(lastTag, multiple: true, cancellationToken);
            state.OnConsumed(count);
        }
    }

    /// <summary>Stores a batch: events through the ingestor, unknown buckets into the holding table, the rest as dead letters.</summary>
    private async Task<(ulong LastTag, int Count)> StoreAsync(List<Delivery> batch, DeadLetters deadLetters, CancellationToken cancellationToken)
    {
        // Yields first, so that the reader goes on reading while this batch is enriched.
        await Task.Yield();
        var settings = options.Value;
        var letters = new List<DeadLetter>();
        var messages = new List<(Delivery Delivery, InvenioMessage Message)>(batch.Count);
        foreach (var delivery in batch)
        {
            if (!settings.RoutingKeys.TryGetValue(delivery.RoutingKey, out var type))
            {
                letters.Add(new DeadLetter(delivery.RoutingKey, delivery.Body, [$"routing key '{delivery.RoutingKey}' is not mapped to an event type ({AmqpOptions.SectionName}:RoutingKeys)"]));
                continue;
            }

            var message = InvenioMessage.Read(type, delivery.RoutingKey, delivery.Body, out var errors);
            if (message is null)
            {
                letters.Add(new DeadLetter(delivery.RoutingKey, delivery.Body, errors));
                continue;
            }

            messages.Add((delivery, message));
        }

        var recids = await RecordsOfBucketsAsync(messages.Where(m => m.Message.NeedsRecord).Select(m => m.Message.BucketId!), cancellationToken);
        var ready = new List<(Delivery Delivery, IncomingEvent Event)>(messages.Count);
        var waiting = new List<(Delivery Delivery, InvenioMessage Message)>();
        foreach (var (delivery, message) in messages)
        {
            if (!message.NeedsRecord)
            {
                ready.Add((delivery, message.ToEvent()));
            }
            else if (recids.TryGetValue(message.BucketId!, out var recid))
            {
                ready.Add((delivery, message.ToEvent(recid)));
            }
            else
            {
                waiting.Add((delivery, message));
            }
        }

        if (ready.Count > 0)
        {
            var result = await ingestor.IngestAsync([.. ready.Select(r => r.Event)], cancellationToken);
            letters.AddRange(result.Rejected.Select(r => new DeadLetter(ready[r.Index].Delivery.RoutingKey, ready[r.Index].Delivery.Body, r.Errors)));
        }

        if (waiting.Count > 0)
        {
            var rejected = await held.HoldAsync([.. waiting.Select(w => w.Message)], cancellationToken);
            letters.AddRange(rejected.Select(r => new DeadLetter(waiting[r.Index].Delivery.RoutingKey, waiting[r.Index].Delivery.Body, r.Errors)));
        }

        await deadLetters.PublishAsync(letters, cancellationToken);
        state.OnDeadLettered(letters.Count);
        return (batch[^1].Tag, batch.Count);
    }

    private async Task<Dictionary<string, string>> RecordsOfBucketsAsync(IEnumerable<string> buckets, CancellationToken cancellationToken)
    {
        var wanted = buckets.Distinct(StringComparer.Ordinal).ToList();
        var recids = new Dictionary<string, string>(StringComparer.Ordinal);
        if (wanted.Count == 0)
        {
            return recids;
        }

        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        foreach (var chunk in wanted.Chunk(500))
        {
            foreach (var pair in await CatalogKeys.RecordsOfBuckets(context, chunk).ToListAsync(cancellationToken))
            {
                recids[pair.BucketId] = pair.Recid;
            }
        }

        return recids;
    }

    /// <summary>Runs a chore now and then every <paramref name="every"/> on the injected clock until the session ends.</summary>
    private async Task RepeatAsync(TimeSpan every, Func<CancellationToken, Task> chore, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(every, clock);
        do
        {
            await chore(cancellationToken);
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    private static string Describe(Exception ex) => ex switch
    {
        RabbitMQ.Client.Exceptions.BrokerUnreachableException => $"the broker cannot be reached ({ex.InnerException?.Message ?? ex.Message})",
        _ => ex.GetType().Name + ": " + ex.Message,
    };

    private sealed record Delivery(ulong Tag, string RoutingKey, byte[] Body);
}
