using Microsoft.Extensions.Logging;

namespace Stats.Core.Aggregation;

/// <summary>Aggregates were rewritten: for these days, or (null) for days this instance cannot know.</summary>
public sealed record AggregatesChanged(IReadOnlyList<DateOnly>? Days)
{
    /// <summary>Whether anything between <paramref name="from"/> and <paramref name="to"/> (inclusive) may have changed.</summary>
    public bool Touches(DateOnly from, DateOnly to) => Days is null || Days.Any(d => d >= from && d <= to);
}

/// <summary>
/// Tells whoever shows numbers that aggregates changed, so that an open panel refreshes itself without a reload.
/// The aggregator of this instance publishes after each run that wrote something; runs of other instances are
/// noticed by <see cref="AggregateChangeWatcher"/>. Subscribers unsubscribe when they go away.
/// </summary>
public sealed class AggregateChangeNotifier(ILogger<AggregateChangeNotifier> logger)
{
    private readonly Lock _gate = new();
    private readonly List<Action<AggregatesChanged>> _subscribers = [];

    /// <summary>Subscribes; disposing the result unsubscribes.</summary>
    public IDisposable Subscribe(Action<AggregatesChanged> onChange)
    {
        lock (_gate)
        {
            _subscribers.Add(onChange);
        }

        return new Subscription(this, onChange);
    }

    public void Publish(AggregatesChanged change)
    {
        Action<AggregatesChanged>[] subscribers;
        lock (_gate)
        {
            subscribers = [.. _subscribers];
        }

        foreach (var subscriber in subscribers)
        {
            try
            {
                subscriber(change);
            }
            catch (Exception ex)
            {
                // One broken page must not keep the others, or the aggregator, from going on.
                logger.LogWarning(ex, "A subscriber to aggregate changes failed.");
            }
        }
    }

    private void Unsubscribe(Action<AggregatesChanged> onChange)
    {
        lock (_gate)
        {
            _subscribers.Remove(onChange);
        }
    }

    private sealed class Subscription(AggregateChangeNotifier notifier, Action<AggregatesChanged> onChange) : IDisposable
    {
        public void Dispose() => notifier.Unsubscribe(onChange);
    }
}
