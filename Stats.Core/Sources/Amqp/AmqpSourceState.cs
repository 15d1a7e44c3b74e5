namespace Stats.Core.Sources.Amqp;

/// <summary>
/// The queue source as <c>/api/admin/pipeline</c>, <c>/healthz</c>, <c>/metrics</c> and the Admin page show it. Counts are
/// this instance's since it started; <see cref="Held"/> is the store's (all instances).
/// </summary>
public sealed record QueueSourceStatus(
    string Broker,
    string Queue,
    bool Connected,
    DateTime? ConnectedSince,
    string? LastError,
    DateTime? LastErrorAt,
    long Consumed,
    long DeadLettered,
    long Held,
    long Reconnects,
    long? QueueDepth);

/// <summary>What the consumer reports about itself, read by health and the pipeline's status.</summary>
public sealed class AmqpSourceState(TimeProvider clock)
{
    private readonly Lock _lock = new();
    private bool _connected;
    private bool _everConnected;
    private DateTime? _connectedSince;
    private string? _lastError;
    private DateTime? _lastErrorAt;
    private long _consumed;
    private long _deadLettered;
    private long _reconnects;
    private long? _queueDepth;

    /// <summary>Whether the consumer is on here (<c>Stats:Sources:Amqp:Uri</c> set).</summary>
    public bool Enabled { get; internal set; }

    /// <summary>Whether the consumer holds a connection now.</summary>
    public bool Connected
    {
        get
        {
            lock (_lock)
            {
                return _connected;
            }
        }
    }

    /// <summary>Why it is not connected, or the last error it recovered from.</summary>
    public string? LastError
    {
        get
        {
            lock (_lock)
            {
                return _lastError;
            }
        }
    }

    /// <summary>Messages this instance consumed and acknowledged.</summary>
    public long Consumed => Interlocked.Read(ref _consumed);

    /// <summary>Messages and held events this instance dead-lettered.</summary>
    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    internal void OnConnected()
    {
        lock (_lock)
        {
            if (_everConnected)
            {
                _reconnects++;
            }

            _everConnected = true;
            _connected = true;
            _connectedSince = clock.GetUtcNow().UtcDateTime;
        }
    }

    internal void OnFailed(string error)
    {
        lock (_lock)
        {
            _connected = false;
            _connectedSince = null;
            _lastError = error;
            _lastErrorAt = clock.GetUtcNow().UtcDateTime;
        }
    }

    internal void OnConsumed(int messages) => Interlocked.Add(ref _consumed, messages);

    internal void OnDeadLettered(int messages) => Interlocked.Add(ref _deadLettered, messages);

    internal void OnQueueDepth(long messages)
    {
        lock (_lock)
        {
            _queueDepth = messages;
        }
    }

    /// <summary>The status with the store's count of held events.</summary>
    public QueueSourceStatus Snapshot(string broker, string queue, long held)
    {
        lock (_lock)
        {
            return new QueueSourceStatus(
                broker, queue, _connected, _connectedSince, _lastError, _lastErrorAt,
                Interlocked.Read(ref _consumed), Interlocked.Read(ref _deadLettered), held, _reconnects, _queueDepth);
        }
    }
}
