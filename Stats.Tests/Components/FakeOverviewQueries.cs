using Stats.Core.Queries;

namespace Stats.Tests.Components;

/// <summary>
/// An <see cref="IOverviewQueries"/> that answers what a test tells it to: a summary, a failure, or nothing yet
/// (until <see cref="Pending"/> is completed). It records what it was asked.
/// </summary>
public sealed class FakeOverviewQueries(DateTimeOffset now) : IOverviewQueries
{
    private readonly List<int> _requestedDays = [];

    /// <summary>Today (UTC) as the real query computes it.</summary>
    public DateOnly Today { get; } = DateOnly.FromDateTime(now.UtcDateTime);

    /// <summary>What the next calls return; an empty window of an empty store until set.</summary>
    public OverviewSummary? Summary { get; set; }

    /// <summary>When set, calls throw it instead of returning <see cref="Summary"/>.</summary>
    public Exception? Failure { get; set; }

    /// <summary>When set, calls wait for it before they answer.</summary>
    public TaskCompletionSource? Pending { get; set; }

    public IReadOnlyList<int> RequestedDays => _requestedDays;

    public int Calls => _requestedDays.Count;

    public async Task<OverviewSummary> GetSummaryAsync(int days, CancellationToken cancellationToken = default)
    {
        _requestedDays.Add(days);
        if (Pending is not null)
        {
            await Pending.Task.WaitAsync(cancellationToken);
        }

        if (Failure is not null)
        {
            throw Failure;
        }

        return Summary ?? SummaryOf([], days);
    }

    /// <summary>A summary of the <paramref name="days"/> days up to today, with the given counts and totals.</summary>
    public OverviewSummary SummaryOf(IReadOnlyList<DailyTypeCount> counts, int days = 30, long totalEvents = 0, int records = 0, int communities = 0) =>
        new(Today.AddDays(1 - days), Today, counts, totalEvents, records, communities);
}
