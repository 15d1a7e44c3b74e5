using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;

namespace Stats.Core.Queries;

/// <summary>Counted views and downloads from one referrer host or one network organisation.</summary>
public sealed record SourceBucket(string Key, long Views, long Downloads);

/// <summary>Views and downloads summed over sources.</summary>
public sealed record SourceCounts(long Views, long Downloads)
{
    public static SourceCounts Zero { get; } = new(0, 0);
}

/// <summary>
/// The top sources of a period, most views and downloads first, and what came from every other source: the hosts or
/// organisations beyond the list, and those each day already summed as "other" (the aggregate keeps 20 a day).
/// </summary>
public sealed record SourceRanking(IReadOnlyList<SourceBucket> Buckets, SourceCounts Other);

/// <summary>Where visitors came from: referrer hosts and network organisations, swappable in tests.</summary>
public interface ISourceStats
{
    /// <inheritdoc cref="SourceStats.ReferrersAsync"/>
    Task<SourceRanking> ReferrersAsync(StatTarget target, Period period, int size, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="SourceStats.OrganisationsAsync"/>
    Task<SourceRanking> OrganisationsAsync(StatTarget target, Period period, int size, CancellationToken cancellationToken = default);
}

/// <summary>Reads <see cref="SourceDailyStat"/>: one range read of a scope's key per query, summed by the database.</summary>
public sealed class SourceStats(IDbContextFactory<StatsDbContext> contexts) : ISourceStats
{
    /// <summary>The referrer hosts of a record, a community or the repository over the period.</summary>
    public Task<SourceRanking> ReferrersAsync(StatTarget target, Period period, int size, CancellationToken cancellationToken = default) =>
        RankAsync(SourceKind.Referrer, target, period, size, cancellationToken);

    /// <summary>The network organisations of a community's visitors over the period.</summary>
    public Task<SourceRanking> OrganisationsAsync(StatTarget target, Period period, int size, CancellationToken cancellationToken = default) =>
        target.Subject is StatSubject.Community
            ? RankAsync(SourceKind.Organisation, target, period, size, cancellationToken)
            : throw new StatQueryException("Organisations are counted per community only.");

    private async Task<SourceRanking> RankAsync(SourceKind kind, StatTarget target, Period period, int size, CancellationToken cancellationToken)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        if (await UsageStats.ScopeIdAsync(context, UsageStats.ScopeOf(target.Subject), target.Id, cancellationToken) is not { } scope)
        {
            return new SourceRanking([], SourceCounts.Zero);
        }

        // A scope's period holds at most 21 labels a day: few enough to rank here and name only the ones shown.
        var sums = await PerSource(context, kind, scope.Scope, scope.Id, period.From, period.To).ToListAsync(cancellationToken);
        var ranked = sums.Where(s => s.LabelId != SourceDailyStat.Other)
            .OrderByDescending(s => s.Views + s.Downloads).ThenByDescending(s => s.Views).ThenBy(s => s.LabelId).ToList();
        var top = ranked.Take(size).ToList();
        var ids = top.Select(s => s.LabelId).ToList();
        var names = await LabelNames(context, ids).ToDictionaryAsync(l => l.Id, l => l.Value, cancellationToken);
        var rest = sums.Except(top).ToList();
        return new SourceRanking(
            [.. top.Select(s => new SourceBucket(names.GetValueOrDefault(s.LabelId, "?"), s.Views, s.Downloads))],
            new SourceCounts(rest.Sum(s => s.Views), rest.Sum(s => s.Downloads)));
    }

    internal static IQueryable<SourceSum> PerSource(StatsDbContext context, SourceKind kind, StatScope scope, int id, DateOnly from, DateOnly to) =>
        context.SourceDailyStats
            .Where(s => s.Kind == kind && s.Scope == scope && s.ScopeId == id && s.Day >= from && s.Day <= to)
            .GroupBy(s => s.LabelId)
            .Select(g => new SourceSum(g.Key, g.Sum(s => (long)s.Views), g.Sum(s => (long)s.Downloads)));

    internal static IQueryable<Label> LabelNames(StatsDbContext context, IReadOnlyCollection<int> ids) =>
        context.Labels.AsNoTracking().Where(l => ids.Contains(l.Id));

    internal sealed record SourceSum(int LabelId, long Views, long Downloads);
}
