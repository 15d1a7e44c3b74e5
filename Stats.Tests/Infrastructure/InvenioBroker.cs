using System.Text;
using RabbitMQ.Client;

namespace Stats.Tests.Infrastructure;

/// <summary>
/// invenio-stats' side of a broker, for tests: an exchange of the test's own name (direct, durable, as kombu declares
/// <c>events</c>), messages published the way kombu publishes them (transient, JSON), and a look into queues.
/// </summary>
public sealed class InvenioBroker : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private InvenioBroker(IConnection connection, IChannel channel, string exchange)
    {
        _connection = connection;
        _channel = channel;
        Exchange = exchange;
    }

    /// <summary>The exchange, named after the test so that tests sharing a broker do not see each other's events.</summary>
    public string Exchange { get; }

    /// <summary>Our queue's name for the consumer under test.</summary>
    public string Queue => Exchange + "-stats";

    public string DeadLetterQueue => Exchange + "-dead";

    /// <summary>The consumer's settings for this exchange and its queues.</summary>
    public Dictionary<string, string?> Settings(Uri broker) => new()
    {
        ["Stats:Sources:Amqp:Uri"] = broker.ToString(),
        ["Stats:Sources:Amqp:Exchange"] = Exchange,
        ["Stats:Sources:Amqp:Queue"] = Queue,
        ["Stats:Sources:Amqp:DeadLetterQueue"] = DeadLetterQueue,
        ["Stats:Sources:Amqp:RetryHeldEvery"] = "00:00:00.200",
    };

    public static async Task<InvenioBroker> OpenAsync(Uri broker, string name)
    {
        var factory = new ConnectionFactory { Uri = broker };
        var connection = await factory.CreateConnectionAsync(TestContext.Current.CancellationToken);
        var channel = await connection.CreateChannelAsync(cancellationToken: TestContext.Current.CancellationToken);
        var exchange = $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Direct, durable: true, autoDelete: false, cancellationToken: TestContext.Current.CancellationToken);
        return new InvenioBroker(connection, channel, exchange);
    }

    /// <summary>
    /// Declares and binds our queue as the consumer does (durable, both routing keys), so that messages published before
    /// the consumer first connects wait in it, as they do when an operator creates the queue ahead of the switch.
    /// </summary>
    public async Task DeclareOurQueueAsync()
    {
        await _channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false, arguments: null, cancellationToken: TestContext.Current.CancellationToken);
        foreach (var key in new[] { "stats-record-view", "stats-file-download" })
        {
            await _channel.QueueBindAsync(Queue, Exchange, key, cancellationToken: TestContext.Current.CancellationToken);
        }
    }

    /// <summary>The same exchange through a new connection, after the broker restarted.</summary>
    public static async Task<InvenioBroker> ReopenAsync(Uri broker, string exchange)
    {
        var factory = new ConnectionFactory { Uri = broker };
        var connection = await factory.CreateConnectionAsync(TestContext.Current.CancellationToken);
        var channel = await connection.CreateChannelAsync(cancellationToken: TestContext.Current.CancellationToken);
        return new InvenioBroker(connection, channel, exchange);
    }

    /// <summary>Publishes bodies as kombu does: delivery mode 1 (transient), <c>application/json</c>, UTF-8, no message id.</summary>
    public async Task PublishAsync(string routingKey, params IEnumerable<string> bodies)
    {
        var properties = new BasicProperties { DeliveryMode = DeliveryModes.Transient, ContentType = "application/json", ContentEncoding = "utf-8" };
        foreach (var body in bodies)
        {
            await _channel.BasicPublishAsync(Exchange, routingKey, mandatory: false, properties, Encoding.UTF8.GetBytes(body), TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Takes every message now in a queue (auto-ack): bodies and headers.</summary>
    public async Task<IReadOnlyList<(string Body, IDictionary<string, object?> Headers)>> DrainAsync(string queue)
    {
        var messages = new List<(string, IDictionary<string, object?>)>();
        while (await _channel.BasicGetAsync(queue, autoAck: true, TestContext.Current.CancellationToken) is { } message)
        {
            messages.Add((Encoding.UTF8.GetString(message.Body.Span), message.BasicProperties.Headers ?? new Dictionary<string, object?>()));
        }

        return messages;
    }

    /// <summary>A text header as RabbitMQ.Client reads it back (a long string arrives as bytes).</summary>
    public static string? Header(IDictionary<string, object?> headers, string name) =>
        headers.TryGetValue(name, out var value) ? value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : value?.ToString() : null;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _channel.QueueDeleteAsync(Queue, cancellationToken: CancellationToken.None);
            await _channel.QueueDeleteAsync(DeadLetterQueue, cancellationToken: CancellationToken.None);
            await _channel.ExchangeDeleteAsync(Exchange, cancellationToken: CancellationToken.None);
        }
        catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.OperationInterruptedException or RabbitMQ.Client.Exceptions.AlreadyClosedException or ObjectDisposedException)
        {
            // The broker is gone or the queues were never made: nothing is left to clean.
        }

        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
