using Stats.Core.Queries;

namespace Stats.Tests.Components;

/// <summary>
/// An <see cref="IOverviewQueries"/> that answers what a test tells it to: numbers, a failure, or nothing yet (until
/// <see cref="Pending"/> is completed). It records what it was asked, and answers for the periods asked.
/// </summary>
public sealed class FakeOverviewQueries(DateTimeOffset now) : IOverviewQueries
{
    private readonly List<(Period Period, Period? Previous, Interval Interval)> _requests = [];

    /// <summary>Today (UTC) as the real query computes it.</summary>
    public DateOnly Today { get; } = DateOnly.FromDateTime(now.UtcDateTime);

    /// <summary>What the next calls return (with the periods asked); an empty store until set.</summary>
    public OverviewSummary? Summary { get; set; }

    /// <summary>When set, calls throw it instead of returning <see cref="Summary"/>.</summary>
    public Exception? Failure { get; set; }

    /// <summary>When set, calls wait for it before they answer.</summary>
    public TaskCompletionSource? Pending { get; set; }

    public IReadOnlyList<(Period Period, Period? Previous, Interval Interval)> Requests => _requests;

    public int Calls => _requests.Count;

    public async Task<OverviewSummary> GetSummaryAsync(Period period, Period? previous, Interval interval, CancellationToken cancellationToken = default)
    {
        _requests.Add((period, previous, interval));
        if (Pending is not null)
        {
            await Pending.Task.WaitAsync(cancellationToken);
        }

        if (Failure is not null)
        {
            throw Failure;
        }

        // As the real query: nothing to compare with when there is no previous period (all time).
        var summary = (Summary ?? SummaryOf(RepositoryCounts.Zero)) with { Period = period, PreviousPeriod = previous, Interval = interval };
        return previous is null ? summary with { PreviousTotals = null, PreviousHistory = [] } : summary;
    }

    /// <summary>Numbers of a period and the previous one, with their buckets.</summary>
    public static OverviewSummary SummaryOf(
        RepositoryCounts totals,
        RepositoryCounts? previous = null,
        IReadOnlyList<OverviewBucket>? history = null,
        IReadOnlyList<OverviewBucket>? previousHistory = null,
        long totalEvents = 0) =>
        new(default, null, Interval.Day, totals, previous, history ?? [], previousHistory ?? [], totalEvents);

    /// <summary>One bucket per day from <paramref name="first"/>, each with the given views (the other numbers zero).</summary>
    public static IReadOnlyList<OverviewBucket> DailyViews(DateOnly first, params long[] views) =>
        [.. views.Select((v, i) => new OverviewBucket(first.AddDays(i), RepositoryCounts.Zero with { Views = v }))];
}
