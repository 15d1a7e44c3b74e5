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
        StatFamily.TopUploaders => Audience.Curators,
        _ => Audience.AdminsOnly,
    };
}

/// <summary>
/// Decides from the audience of a family (<see cref="AudienceOfAsync"/>) and the catalog: who owns a record, which communities
/// it belongs to. A record's owner and its communities' curators are looked up only when the audience needs them.
/// </summary>
public class AccessPolicy(IDbContextFactory<StatsDbContext> contextFactory) : IAccessPolicy
{
    public async Task<AccessDecision> DecideAsync(StatsViewer viewer, StatFamily family, StatTarget target, CancellationToken cancellationToken = default)
    {
        if (viewer.IsAdmin)
        {
            return AccessDecision.Allowed;
        }

        var audience = await AudienceOfAsync(family, target, cancellationToken);
        if (audience.HasFlag(Audience.Public)
            || (viewer.IsSignedIn && audience.HasFlag(Audience.SignedIn))
            || (viewer.IsSignedIn && await IsMemberAsync(viewer, audience, target, cancellationToken)))
        {
            return AccessDecision.Allowed;
        }

        return viewer.IsSignedIn ? AccessDecision.Forbidden : AccessDecision.SignInRequired;
    }

    /// <summary>Who may see <paramref name="family"/> for <paramref name="target"/>: here the defaults; stored rules override them.</summary>
    protected virtual Task<Audience> AudienceOfAsync(StatFamily family, StatTarget target, CancellationToken cancellationToken) =>
        Task.FromResult(DefaultAudiences.Of(family));

    private async Task<bool> IsMemberAsync(StatsViewer viewer, Audience audience, StatTarget target, CancellationToken cancellationToken)
    {
        if (target.Id is null || (!audience.HasFlag(Audience.Owners) && !audience.HasFlag(Audience.Curators)))
        {
            return false;
        }

        switch (target.Subject)
        {
            case StatSubject.Owner:
                return audience.HasFlag(Audience.Owners) && viewer.UserId == target.Id;
            case StatSubject.Community:
                return audience.HasFlag(Audience.Curators) && viewer.Curates(target.Id);
            case StatSubject.Record or StatSubject.Concept:
                await using (var context = await contextFactory.CreateDbContextAsync(cancellationToken))
                {
                    var records = RecordsOf(context, target.Subject, target.Id);
                    if (audience.HasFlag(Audience.Owners) && viewer.UserId is { } userId
                        && await records.AnyAsync(r => r.OwnerId == userId, cancellationToken))
                    {
                        return true;
                    }

                    if (audience.HasFlag(Audience.Curators) && viewer.CuratedCommunities.Count > 0)
                    {
                        var curated = viewer.CuratedCommunities.ToList();
                        return await records.AnyAsync(r => r.Communities.Any(c => curated.Contains(c.ExternalId)), cancellationToken);
                    }
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>The catalog records a record or concept target names (one version, or every version of a concept).</summary>
    internal static IQueryable<Record> RecordsOf(StatsDbContext context, StatSubject subject, string id) =>
        subject == StatSubject.Concept
            ? context.Records.AsNoTracking().Where(r => r.ParentExternalId == id)
            : context.Records.AsNoTracking().Where(r => r.ExternalId == id);
}
