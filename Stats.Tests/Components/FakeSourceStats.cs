using Stats.Core.Queries;

namespace Stats.Tests.Components;

/// <summary>Answers the sources tables with what a test set, recording each question; empty until a test sets some.</summary>
public sealed class FakeSourceStats : ISourceStats
{
    private readonly List<(string Query, StatTarget Target, Period Period)> _calls = [];

    public SourceRanking Referrers { get; set; } = new([], SourceCounts.Zero);

    public SourceRanking Organisations { get; set; } = new([], SourceCounts.Zero);

    /// <summary>Thrown by every query when set: a store that does not answer.</summary>
    public Exception? Failure { get; set; }

    public IReadOnlyList<(string Query, StatTarget Target, Period Period)> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    public Task<SourceRanking> ReferrersAsync(StatTarget target, Period period, int size, CancellationToken cancellationToken = default) =>
        Answer("referrers", target, period, Referrers);

    public Task<SourceRanking> OrganisationsAsync(StatTarget target, Period period, int size, CancellationToken cancellationToken = default) =>
        Answer("organisations", target, period, Organisations);

    private Task<SourceRanking> Answer(string query, StatTarget target, Period period, SourceRanking value)
    {
        lock (_calls)
        {
            _calls.Add((query, target, period));
        }

        return Failure is { } failure ? Task.FromException<SourceRanking>(failure) : Task.FromResult(value);
    }
}
