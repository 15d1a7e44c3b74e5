using System.Globalization;
using RabbitMQ.Client;

namespace Stats.Core.Sources.Amqp;

/// <summary>A message that cannot become an event, and why.</summary>
public sealed record DeadLetter(string RoutingKey, ReadOnlyMemory<byte> Body, IReadOnlyList<string> Reasons);

/// <summary>
/// Publishes to our dead-letter queue, persistent and confirmed by the broker, so that a message is acknowledged only
/// once its dead letter is safe. The reasons travel in the <c>x-stats-reasons</c> header.
/// </summary>
internal sealed class DeadLetters(IChannel channel, string queue, TimeProvider clock) : IAsyncDisposable
{
    public const string ReasonsHeader = "x-stats-reasons";
    public const string RoutingKeyHeader = "x-stats-routing-key";
    public const string DeadLetteredAtHeader = "x-stats-dead-lettered-at";

    // One publisher channel is shared by the batches and the held events' release: publishes must not interleave on it.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public static async Task<DeadLetters> OpenAsync(IConnection connection, string queue, TimeProvider clock, CancellationToken cancellationToken)
    {
        var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: null, cancellationToken: cancellationToken);
        return new DeadLetters(channel, queue, clock);
    }

    /// <summary>Publishes the letters and returns once the broker has confirmed every one.</summary>
    public async Task PublishAsync(IReadOnlyList<DeadLetter> letters, CancellationToken cancellationToken)
    {
        if (letters.Count == 0)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var at = clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            foreach (var letter in letters)
            {
                var properties = new BasicProperties
                {
                    Persistent = true,
                    ContentType = "application/json",
                    ContentEncoding = "utf-8",
                    Headers = new Dictionary<string, object?>
                    {
                        [ReasonsHeader] = string.Join("; ", letter.Reasons),
                        [RoutingKeyHeader] = letter.RoutingKey,
                        [DeadLetteredAtHeader] = at,
                    },
                };
                // One at a time: dead letters are rare, and a confirmed publish is the simplest proof that one is safe.
                await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, properties, letter.Body, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await channel.DisposeAsync();
        _gate.Dispose();
    }
}
