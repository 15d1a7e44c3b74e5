using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;
using Stats.Core.Queries;

namespace Stats.Core.Access;

/// <summary>The audiences in force when no rule says otherwise: what Zenodo and B2SHARE do.</summary>
public static class DefaultAudiences
{
    public static Audience Of(StatFamily family) => family switch
    {
        StatFamily.Usage or StatFamily.Countries or StatFamily.CommunityActivity => Audience.Public,
        StatFamily.TopUploaders or StatFamily.Organisations => Audience.Curators,
        StatFamily.OwnerRankings => Audience.SignedIn,
        _ => Audience.AdminsOnly,
    };
}

/// <summary>What the catalog says of a record for access: its owner and its communities (external ids).</summary>
public sealed record RecordFacts(string ExternalId, string? OwnerId, List<string> Communities);

/// <summary>
/// Decides from the audience of a family in a scope and the catalog: who owns a record, which communities it belongs to.
/// The audience is the most specific stored rule (<see cref="AccessRuleStore"/>): the record's own rule; else the rules of its
/// communities (all of them must allow: the most restrictive wins); else the global rule; else <see cref="DefaultAudiences"/>
/// (ADR-009). The catalog is read only when a rule or the audience needs it, so that public statistics cost no read.
/// </summary>
public sealed class AccessPolicy : IAccessPolicy
{
    /// <summary>How many record ids one catalog read takes.</summary>
    private const int Chunk = 500;

    private readonly IDbContextFactory<StatsDbContext> _contextFactory;
    private readonly AccessRuleStore? _rules;

    /// <summary>A policy of the defaults only, without stored rules.</summary>
    public AccessPolicy(IDbContextFactory<StatsDbContext> contextFactory)
        : this(contextFactory, null)
    {
    }

    public AccessPolicy(IDbContextFactory<StatsDbContext> contextFactory, AccessRuleStore? rules)
    {
        _contextFactory = contextFactory;
        _rules = rules;
    }

    public async Task<AccessDecision> DecideAsync(StatsViewer viewer, StatFamily family, StatTarget target, CancellationToken cancellationToken = default)
    {
        if (viewer.IsAdmin)
        {
            return AccessDecision.Allowed;
        }

        if (target.Subject == StatSubject.Record && target.Id is not null)
        {
            return (await DecideRecordsAsync(viewer, family, [target.Id], cancellationToken)).Decision;
        }

        if (target.Subject == StatSubject.Concept && target.Id is not null)
        {
            // All versions together: visible when every version is.
            var rules = await RulesAsync(cancellationToken);
            if (!rules.HasRecordRules(family) && !NeedsFacts(viewer, family, rules, [target.Id]))
            {
                return Passes(viewer, rules.GlobalOrDefault(family)) ? AccessDecision.Allowed : Denied(viewer);
            }

            var versions = await FactsAsync(StatSubject.Concept, [target.Id], cancellationToken);
            if (versions.Count == 0)
            {
                return Passes(viewer, rules.GlobalOrDefault(family)) ? AccessDecision.Allowed : Denied(viewer);
            }

            return versions.Select(v => Decide(viewer, RecordAudience(family, rules, v.ExternalId, v), v))
                .FirstOrDefault(d => d != AccessDecision.Allowed, AccessDecision.Allowed);
        }

        var audience = await AudienceOfAsync(family, target, cancellationToken);
        if (Passes(viewer, audience))
        {
            return AccessDecision.Allowed;
        }

        var member = target.Id is not null && target.Subject switch
        {
            StatSubject.Owner => audience.HasFlag(Audience.Owners) && viewer.UserId == target.Id,
            StatSubject.Community => audience.HasFlag(Audience.Curators) && viewer.Curates(target.Id),
            _ => false,
        };
        return member && viewer.IsSignedIn ? AccessDecision.Allowed : Denied(viewer);
    }

    /// <summary>
    /// The decision for the <paramref name="family"/> statistics of many records at once (the batch endpoint): allowed when
    /// every record is, else the first refused record and why. One catalog read per <see cref="Chunk"/> records, and none
    /// when the rules make every record visible anyway.
    /// </summary>
    public async Task<(AccessDecision Decision, string? Refused)> DecideRecordsAsync(
        StatsViewer viewer, StatFamily family, IReadOnlyList<string> recids, CancellationToken cancellationToken = default)
    {
        await foreach (var (recid, decision) in RefusedRecordsAsync(viewer, family, recids, cancellationToken))
        {
            return (decision, recid);
        }

        return (AccessDecision.Allowed, null);
    }

    /// <summary>
    /// Whether <paramref name="viewer"/> sees the <paramref name="family"/> statistics of every record, whichever it is: an
    /// admin, or no record or community rule for the family and a global audience that admits the viewer. Costs no read, so
    /// that reports under the default rules cost nothing more.
    /// </summary>
    public async Task<bool> SeesEveryRecordAsync(StatsViewer viewer, StatFamily family, CancellationToken cancellationToken = default)
    {
        if (viewer.IsAdmin)
        {
            return true;
        }

        var rules = await RulesAsync(cancellationToken);
        return !rules.HasRecordRules(family) && !rules.HasCommunityRules(family) && Passes(viewer, rules.GlobalOrDefault(family));
    }

    /// <summary>
    /// The records among <paramref name="recids"/> whose <paramref name="family"/> statistics <paramref name="viewer"/> may not
    /// see: what a report (SUSHI, DSR) leaves out. Decided by the same rules as <see cref="DecideRecordsAsync"/>, with the same
    /// catalog reads.
    /// </summary>
    public async Task<IReadOnlySet<string>> HiddenRecordsAsync(
        StatsViewer viewer, StatFamily family, IReadOnlyList<string> recids, CancellationToken cancellationToken = default)
    {
        var hidden = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var (recid, _) in RefusedRecordsAsync(viewer, family, recids, cancellationToken))
        {
            hidden.Add(recid);
        }

        return hidden;
    }

    /// <summary>Each record of <paramref name="recids"/> that the viewer may not see, and why, in their order.</summary>
    private async IAsyncEnumerable<(string Recid, AccessDecision Decision)> RefusedRecordsAsync(
        StatsViewer viewer, StatFamily family, IReadOnlyList<string> recids, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (viewer.IsAdmin || recids.Count == 0)
        {
            yield break;
        }

        var rules = await RulesAsync(cancellationToken);
        if (!NeedsFacts(viewer, family, rules, recids))
        {
            foreach (var id in recids.Where(id => !Passes(viewer, RecordAudience(family, rules, id, facts: null))))
            {
                yield return (id, Denied(viewer));
            }

            yield break;
        }

        var facts = (await FactsAsync(StatSubject.Record, recids, cancellationToken)).ToDictionary(f => f.ExternalId, StringComparer.Ordinal);
        foreach (var id in recids)
        {
            var known = facts.GetValueOrDefault(id);
            var decision = Decide(viewer, RecordAudience(family, rules, id, known), known);
            if (decision != AccessDecision.Allowed)
            {
                yield return (id, decision);
            }
        }
    }

    /// <summary>
    /// Who may see <paramref name="family"/> for a target that is not a record: the community's rule, else the global rule,
    /// else the default. (A record's audience also depends on its communities: see <see cref="DecideAsync"/>.)
    /// </summary>
    private async Task<Audience> AudienceOfAsync(StatFamily family, StatTarget target, CancellationToken cancellationToken)
    {
        var rules = await RulesAsync(cancellationToken);
        return target.Subject == StatSubject.Community && target.Id is not null
            ? rules.Find(family, RuleScope.Community, target.Id) ?? rules.GlobalOrDefault(family)
            : rules.GlobalOrDefault(family);
    }

    private async ValueTask<AccessRuleSet> RulesAsync(CancellationToken cancellationToken) =>
        _rules is null ? AccessRuleSet.Empty : await _rules.GetAsync(cancellationToken);

    /// <summary>
    /// The audience of a record: its own rule, else its communities' rules (all of which must allow), else the global rule or
    /// the default. Without <paramref name="facts"/> (not read: no community rule for the family) communities are skipped.
    /// </summary>
    private static Audience RecordAudience(StatFamily family, AccessRuleSet rules, string recid, RecordFacts? facts)
    {
        if (rules.Find(family, RuleScope.Record, recid) is { } own)
        {
            return own;
        }

        if (facts is not null && rules.HasCommunityRules(family))
        {
            var communityRules = facts.Communities.Select(c => rules.Find(family, RuleScope.Community, c)).OfType<Audience>().ToList();
            if (communityRules.Count > 0)
            {
                return communityRules.Aggregate((a, b) => a & b);
            }
        }

        return rules.GlobalOrDefault(family);
    }

    /// <summary>Whether deciding for these records needs the catalog: community rules apply, or only owners or curators may see.</summary>
    private static bool NeedsFacts(StatsViewer viewer, StatFamily family, AccessRuleSet rules, IReadOnlyList<string> recids) =>
        rules.HasCommunityRules(family)
        || (viewer.IsSignedIn && recids.Any(id => RecordAudience(family, rules, id, facts: null) is var a && !Passes(viewer, a)
            && (a.HasFlag(Audience.Owners) || a.HasFlag(Audience.Curators))));

    private static bool Passes(StatsViewer viewer, Audience audience) =>
        audience.HasFlag(Audience.Public) || (viewer.IsSignedIn && audience.HasFlag(Audience.SignedIn));

    /// <summary>The decision for one record whose audience is known: everyone the audience names, or its owner or curators.</summary>
    private static AccessDecision Decide(StatsViewer viewer, Audience audience, RecordFacts? facts)
    {
        if (Passes(viewer, audience))
        {
            return AccessDecision.Allowed;
        }

        var member = viewer.IsSignedIn && facts is not null && (
            (audience.HasFlag(Audience.Owners) && viewer.UserId is { } userId && facts.OwnerId == userId)
            || (audience.HasFlag(Audience.Curators) && facts.Communities.Any(viewer.CuratedCommunities.Contains)));
        return member ? AccessDecision.Allowed : Denied(viewer);
    }

    private static AccessDecision Denied(StatsViewer viewer) => viewer.IsSignedIn ? AccessDecision.Forbidden : AccessDecision.SignInRequired;

    private async Task<List<RecordFacts>> FactsAsync(StatSubject subject, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        await using var context = await _contextFactory.CreateDbContextAsync(cancellationToken);
        if (subject == StatSubject.Concept)
        {
            return await FactsOfConcept(context, ids[0]).ToListAsync(cancellationToken);
        }

        var facts = new List<RecordFacts>(ids.Count);
        foreach (var chunk in ids.Chunk(Chunk))
        {
            facts.AddRange(await FactsOf(context, chunk).ToListAsync(cancellationToken));
        }

        return facts;
    }

    // The policy's queries, exposed for the translation tests of every provider.

    /// <summary>The catalog records a record or concept target names (one version, or every version of a concept).</summary>
    internal static IQueryable<Record> RecordsOf(StatsDbContext context, StatSubject subject, string id) =>
        subject == StatSubject.Concept
            ? context.Records.AsNoTracking().Where(r => r.ParentExternalId == id)
            : context.Records.AsNoTracking().Where(r => r.ExternalId == id);

    internal static IQueryable<RecordFacts> FactsOf(StatsDbContext context, IReadOnlyCollection<string> recids) =>
        context.Records.AsNoTracking().Where(r => recids.Contains(r.ExternalId))
            .Select(r => new RecordFacts(r.ExternalId, r.OwnerId, r.Communities.Select(c => c.ExternalId).ToList()));

    internal static IQueryable<RecordFacts> FactsOfConcept(StatsDbContext context, string parentRecid) =>
        RecordsOf(context, StatSubject.Concept, parentRecid)
            .Select(r => new RecordFacts(r.ExternalId, r.OwnerId, r.Communities.Select(c => c.ExternalId).ToList()));
}
