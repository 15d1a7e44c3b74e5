using Microsoft.Extensions.Options;
using Stats.Core.Events;

namespace Stats.Core.Sources.Amqp;

/// <summary>
/// The <c>Stats:Sources:Amqp</c> settings: where invenio-stats publishes its events (docs/invenio.md#the-live-queue) and
/// the queue of our own bound to it. Off unless <see cref="Uri"/> is set.
/// </summary>
public sealed class AmqpOptions
{
    public const string SectionName = "Stats:Sources:Amqp";

    /// <summary>The broker, e.g. <c>amqp://user:password@broker:5672/vhost</c>; empty switches the consumer off.</summary>
    public string? Uri { get; set; }

    /// <summary>invenio-stats' exchange (direct, durable).</summary>
    public string Exchange { get; set; } = "events";

    /// <summary>Our own durable queue, bound to the exchange beside invenio-stats' queues, so both see every event.</summary>
    public string Queue { get; set; } = "stats";

    /// <summary>Routing key → our event type. Configured keys add to these defaults.</summary>
    public Dictionary<string, string> RoutingKeys { get; set; } = new(StringComparer.Ordinal)
    {
        ["stats-record-view"] = EventCatalog.RecordView,
        ["stats-file-download"] = EventCatalog.FileDownload,
    };

    /// <summary>
    /// Messages the broker hands over before any is acknowledged. The consumer stores up to four batches of an eighth of
    /// it at once, so that the other half keeps arriving meanwhile.
    /// </summary>
    public int Prefetch { get; set; } = 16_000;

    /// <summary>Where messages that cannot become events go, with the reasons in the <c>x-stats-reasons</c> header.</summary>
    public string DeadLetterQueue { get; set; } = "stats-dead-letter";

    /// <summary>How long a download waits for its bucket's record to be learned before it is dead-lettered.</summary>
    public TimeSpan HoldFor { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often held downloads are tried again against the bucket → record map.</summary>
    public TimeSpan RetryHeldEvery { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The longest wait between two attempts to reach a broker that is down (the wait doubles from one second up to it).</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(Uri);

    /// <summary>The broker without its password, for logs, health and the Admin page.</summary>
    public string Broker => System.Uri.TryCreate(Uri, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Host}:{uri.Port}{uri.AbsolutePath}" : "(none)";

    /// <summary>What is wrong with these settings, one sentence per problem, each naming its setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Enabled)
        {
            return errors;
        }

        if (!System.Uri.TryCreate(Uri, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"))
        {
            errors.Add($"{SectionName}:Uri must be an amqp:// or amqps:// address.");
        }

        if (string.IsNullOrWhiteSpace(Exchange) || string.IsNullOrWhiteSpace(Queue) || string.IsNullOrWhiteSpace(DeadLetterQueue))
        {
            errors.Add($"{SectionName}:Exchange, Queue and DeadLetterQueue must not be empty.");
        }

        if (Queue == DeadLetterQueue)
        {
            errors.Add($"{SectionName}:DeadLetterQueue must differ from {SectionName}:Queue.");
        }

        if (RoutingKeys.Count == 0 || RoutingKeys.Values.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add($"{SectionName}:RoutingKeys must map each routing key to an event type.");
        }

        if (Prefetch is < 2 or > ushort.MaxValue)
        {
            errors.Add($"{SectionName}:Prefetch is {Prefetch}, but it must be between 2 and {ushort.MaxValue}.");
        }

        if (HoldFor <= TimeSpan.Zero || RetryHeldEvery <= TimeSpan.Zero || MaxReconnectDelay < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{SectionName}:HoldFor and RetryHeldEvery must be positive, MaxReconnectDelay at least one second.");
        }

        return errors;
    }
}

/// <summary>Fails the start on a wrong <c>Stats:Sources:Amqp</c> setting, with a message that names it.</summary>
internal sealed class AmqpOptionsValidator : IValidateOptions<AmqpOptions>
{
    public ValidateOptionsResult Validate(string? name, AmqpOptions options) =>
        options.Validate() is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
}
