using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;

namespace Stats.Core.Queries;

/// <summary>
/// What an embed or a badge shows of a record, community or owner over a period: its usage per day, and for a record
/// the usage of all its versions per day (empty when the record has no other versions: it is then its own concept).
/// </summary>
public sealed record EmbedUsage(IReadOnlyList<DailyUsage> Days, IReadOnlyList<DailyUsage> AllVersionsDays)
{
    public static EmbedUsage None { get; } = new([], []);
}

/// <summary>The usage behind the embeds and badges, read in one query per answer (two for a record); swappable in tests.</summary>
public interface IEmbedStats
{
    /// <inheritdoc cref="EmbedStats.UsageAsync"/>
    Task<EmbedUsage> UsageAsync(StatTarget target, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken = default);
}

/// <summary>
/// Reads an embed's numbers from <see cref="UsageDailyStat"/> in a single statement: the external id is resolved by
/// subqueries inside it, so that a page view on a busy repository costs one round trip and never touches the raw events.
/// </summary>
public sealed class EmbedStats(IDbContextFactory<StatsDbContext> contexts) : IEmbedStats
{
    /// <summary>Usage per day of a record (with its concept's), a community or an owner between two days; an unknown id has none.</summary>
    public async Task<EmbedUsage> UsageAsync(StatTarget target, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target.Id);
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await UsagePerScopeAndDay(context, target.Subject, target.Id, firstDay, lastDay).ToListAsync(cancellationToken);
        var concept = target.Subject == StatSubject.Record ? await ConceptUsagePerDay(context, target.Id, firstDay, lastDay).ToListAsync(cancellationToken) : [];
        return new EmbedUsage([.. rows.OrderBy(r => r.Day)], [.. concept.OrderBy(r => r.Day)]);
    }

    /// <summary>
    /// The rows of the target's scope in the period, summed per day (an owner's rows are its records', ADR-016). The rows
    /// are joined to the catalog row the external id names, so that the database seeks the key of that one scope (a
    /// condition on a subquery's value would be run by EF as a query of its own first).
    /// </summary>
    internal static IQueryable<DailyUsage> UsagePerScopeAndDay(StatsDbContext context, StatSubject subject, string id, DateOnly from, DateOnly to)
    {
        var window = context.UsageDailyStats.Where(s => s.Day >= from && s.Day <= to);
        var rows = subject switch
        {
            StatSubject.Record => context.Records.Where(r => r.ExternalId == id)
                .Join(window.Where(s => s.Scope == StatScope.Record), r => r.Id, s => s.ScopeId, (r, s) => s),
            StatSubject.Community => context.Communities.Where(c => c.ExternalId == id)
                .Join(window.Where(s => s.Scope == StatScope.Community), c => c.Id, s => s.ScopeId, (c, s) => s),
            StatSubject.Owner => context.Records.Where(r => r.OwnerId == id)
                .Join(window.Where(s => s.Scope == StatScope.Record), r => r.Id, s => s.ScopeId, (r, s) => s),
            _ => throw new ArgumentOutOfRangeException(nameof(subject), subject, "Embeds show records, communities and owners."),
        };
        return UsageStats.PerDay(rows);
    }

    /// <summary>The usage of a record's concept (all its versions) in the period, summed per day; none for a record without versions.</summary>
    internal static IQueryable<DailyUsage> ConceptUsagePerDay(StatsDbContext context, string recid, DateOnly from, DateOnly to)
    {
        var concept = context.Records.Where(r => r.ExternalId == recid)
            .Join(context.Labels.Where(l => l.Kind == LabelKind.Concept), r => r.ParentExternalId, l => (string?)l.Value, (r, l) => l);
        return UsageStats.PerDay(UsageStats.ConceptRows(context, concept, from, to));
    }
}
