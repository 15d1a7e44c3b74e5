using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Stats.Core.Access;
using Stats.Core.Queries;

namespace Stats.Dashboard.Access;

/// <summary>
/// Turns a signed-in principal into a <see cref="StatsViewer"/>: the user id (matched against the catalog's record owners),
/// the name, admin or not, and the communities curated, from role claims.
/// </summary>
public sealed class ViewerClaims
{
    public const string UserIdClaim = "sub";
    public const string NameClaim = "name";
    public const string RoleClaim = "role";
    public const string AdminRole = "admin";
    public const string CuratorRolePrefix = "curator:";

    /// <summary>Whom an API key reads statistics as (ADR-009): one of <see cref="ReadsAsPublic"/>, <see cref="ReadsAsSignedIn"/>, <see cref="ReadsAsAdmin"/>.</summary>
    public const string ReadsAsClaim = "reads_as";
    public const string ReadsAsPublic = "public";
    public const string ReadsAsSignedIn = "signed-in";
    public const string ReadsAsAdmin = "admin";

    public StatsViewer ViewerOf(ClaimsPrincipal principal)
    {
        // A key that reads as the public is authenticated, yet the access rules must see an anonymous visitor.
        if (principal.Identity?.IsAuthenticated != true || principal.HasClaim(ReadsAsClaim, ReadsAsPublic))
        {
            return StatsViewer.Anonymous;
        }

        var roles = principal.FindAll(RoleClaim).Select(c => c.Value).ToList();
        return new StatsViewer(
            IsSignedIn: true,
            UserId: principal.FindFirst(UserIdClaim)?.Value,
            DisplayName: principal.FindFirst(NameClaim)?.Value ?? principal.Identity.Name,
            IsAdmin: roles.Contains(AdminRole, StringComparer.Ordinal),
            CuratedCommunities: roles
                .Where(r => r.StartsWith(CuratorRolePrefix, StringComparison.Ordinal))
                .Select(r => r[CuratorRolePrefix.Length..])
                .ToHashSet(StringComparer.Ordinal));
    }
}

/// <summary>
/// The access check for the components of one circuit: who is looking, may they see this, and when to ask again (an admin
/// changed a rule). Without a rule store (component tests) nothing changes.
/// </summary>
public sealed class ViewerAccess(AuthenticationStateProvider authentication, ViewerClaims claims, IAccessPolicy policy, AccessRuleStore? rules = null)
{
    /// <summary>Calls <paramref name="onChange"/> whenever the access rules change; disposing the result stops it.</summary>
    public IDisposable OnRulesChanged(Action onChange) => rules?.Subscribe(onChange) ?? NoSubscription.Instance;

    public async Task<StatsViewer> ViewerAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync();
        return claims.ViewerOf(state.User);
    }

    public async Task<AccessDecision> DecideAsync(StatFamily family, StatTarget target, CancellationToken cancellationToken = default) =>
        await policy.DecideAsync(await ViewerAsync(), family, target, cancellationToken);

    /// <summary>
    /// The records among <paramref name="recids"/> whose panel the viewer may not open (their usage is hidden from them): tables
    /// show them by id alone, as the search box leaves them out, so that a restricted record's title reaches nobody else.
    /// </summary>
    public async Task<IReadOnlySet<string>> RecordsNotOpenAsync(IReadOnlyList<string> recids, CancellationToken cancellationToken = default) =>
        recids.Count == 0
            ? new HashSet<string>()
            : await policy.HiddenRecordsAsync(await ViewerAsync(), StatFamily.Usage, recids, cancellationToken);

    /// <summary>
    /// The rows of a record table with the titles of the records the viewer may not open taken out
    /// (<see cref="RecordsNotOpenAsync"/>): one access decision for all the rows.
    /// </summary>
    public async Task<IReadOnlyList<T>> WithoutHiddenTitlesAsync<T>(
        IReadOnlyList<T> rows, Func<T, string> recid, Func<T, T> untitled, CancellationToken cancellationToken = default)
    {
        var hidden = await RecordsNotOpenAsync([.. rows.Select(recid)], cancellationToken);
        return hidden.Count == 0 ? rows : [.. rows.Select(r => hidden.Contains(recid(r)) ? untitled(r) : r)];
    }
}

file sealed class NoSubscription : IDisposable
{
    public static NoSubscription Instance { get; } = new();

    public void Dispose()
    {
    }
}
