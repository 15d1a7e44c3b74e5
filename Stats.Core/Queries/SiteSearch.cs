using Microsoft.EntityFrameworkCore;
using Stats.Core.Access;
using Stats.Core.Data;

namespace Stats.Core.Queries;

/// <summary>What a search hit opens: a record's, a community's or an owner's panel.</summary>
public enum SearchHitKind
{
    Record,
    Community,
    Owner,
}

/// <summary>One thing the search box found; <paramref name="Name"/> is the title or name when the catalog has one.</summary>
public sealed record SearchHit(SearchHitKind Kind, string Id, string? Name);

/// <summary>The app bar's search. Components depend on this interface so that tests can swap it.</summary>
public interface ISiteSearch
{
    /// <summary>
    /// Records (by id or title), communities (by id or name) and owners (by id) whose text contains <paramref name="text"/>,
    /// at most <paramref name="perKind"/> of each, and only those whose usage <paramref name="viewer"/> may see.
    /// </summary>
    Task<IReadOnlyList<SearchHit>> FindAsync(StatsViewer viewer, string text, int perKind = 5, CancellationToken cancellationToken = default);
}

/// <summary>
/// Searches the catalog and asks the access rules about every hit before it is answered: a record the viewer may not open is
/// left out, so that its title reaches nobody who may not see it.
/// </summary>
public sealed class SiteSearch(IDbContextFactory<StatsDbContext> contextFactory, IAccessPolicy policy) : ISiteSearch
{
    /// <summary>Shorter texts match too much to be useful.</summary>
    public const int MinLength = 2;

    /// <summary>Candidates read per kind before the access rules thin them out.</summary>
    private const int CandidateFactor = 4;

    public async Task<IReadOnlyList<SearchHit>> FindAsync(StatsViewer viewer, string text, int perKind = 5, CancellationToken cancellationToken = default)
    {
        var wanted = text.Trim().ToLowerInvariant();
        if (wanted.Length < MinLength)
        {
            return [];
        }

        var candidates = perKind * CandidateFactor;
        List<SearchHit> found;
        await using (var context = await contextFactory.CreateDbContextAsync(cancellationToken))
        {
            var records = await Records(context, wanted).Take(candidates).ToListAsync(cancellationToken);
            var communities = await Communities(context, wanted).Take(candidates).ToListAsync(cancellationToken);
            var owners = await Owners(context, wanted).Take(candidates).ToListAsync(cancellationToken);
            found =
            [
                .. records.Select(r => new SearchHit(SearchHitKind.Record, r.Id, r.Name)),
                .. communities.Select(c => new SearchHit(SearchHitKind.Community, c.Id, c.Name)),
                .. owners.Select(o => new SearchHit(SearchHitKind.Owner, o, null)),
            ];
        }

        var allowed = new List<SearchHit>();
        foreach (var kind in found.GroupBy(h => h.Kind))
        {
            // Exact ids first, then by name: what was typed in full is most likely what is wanted.
            foreach (var hit in kind.OrderBy(h => string.Equals(h.Id, text.Trim(), StringComparison.OrdinalIgnoreCase) ? 0 : 1).ThenBy(h => h.Name ?? h.Id, StringComparer.OrdinalIgnoreCase))
            {
                if (allowed.Count(a => a.Kind == hit.Kind) == perKind)
                {
                    break;
                }

                if (await policy.DecideAsync(viewer, StatFamily.Usage, TargetOf(hit), cancellationToken) == AccessDecision.Allowed)
                {
                    allowed.Add(hit);
                }
            }
        }

        return allowed;
    }

    private static StatTarget TargetOf(SearchHit hit) => hit.Kind switch
    {
        SearchHitKind.Record => new StatTarget(StatSubject.Record, hit.Id),
        SearchHitKind.Community => new StatTarget(StatSubject.Community, hit.Id),
        _ => new StatTarget(StatSubject.Owner, hit.Id),
    };

    // The search's queries, exposed for the translation tests of every provider. Lower-cased on both sides, so that the
    // match ignores case on every provider (PostgreSQL's LIKE would not).

    internal sealed record NamedId(string Id, string? Name);

    // CA1862: Contains(text, StringComparison) is not translated to SQL by every provider; ToLower on both sides is.
#pragma warning disable CA1862

    internal static IQueryable<NamedId> Records(StatsDbContext context, string wanted) =>
        context.Records.Where(r => r.DeletedAt == null && (r.ExternalId.ToLower().Contains(wanted) || (r.Title != null && r.Title.ToLower().Contains(wanted))))
            .OrderBy(r => r.ExternalId)
            .Select(r => new NamedId(r.ExternalId, r.Title));

    internal static IQueryable<NamedId> Communities(StatsDbContext context, string wanted) =>
        context.Communities.Where(c => c.ExternalId.ToLower().Contains(wanted) || (c.Name != null && c.Name.ToLower().Contains(wanted)))
            .OrderBy(c => c.ExternalId)
            .Select(c => new NamedId(c.ExternalId, c.Name));

    internal static IQueryable<string> Owners(StatsDbContext context, string wanted) =>
        context.Records.Where(r => r.DeletedAt == null && r.OwnerId != null && r.OwnerId.ToLower().Contains(wanted))
            .Select(r => r.OwnerId!)
            .Distinct()
            .OrderBy(o => o);
#pragma warning restore CA1862
}
