using Stats.Core.Queries;

namespace Stats.Core.Access;

/// <summary>A family of statistics: what an access rule covers. Every stat, page section and export belongs to one.</summary>
public enum StatFamily : byte
{
    /// <summary>Views and downloads (totals, histograms, top records, per-file downloads).</summary>
    Usage = 1,

    /// <summary>Usage per country (tables and maps).</summary>
    Countries = 2,

    /// <summary>Who deposits: a community's top uploaders.</summary>
    TopUploaders = 3,

    /// <summary>A community's new records, submissions, access rights and feature use.</summary>
    CommunityActivity = 4,

    /// <summary>Library circulation: loans, renewals, returns, overdue, requests.</summary>
    Circulation = 5,

    /// <summary>The SIP store: packages sent to Archivematica, failures, delays, archive size.</summary>
    SipStore = 6,

    /// <summary>The aggregation pipeline's health: last run, backlog, errors.</summary>
    Pipeline = 7,

    /// <summary>Raw events on the investigation page and its exports: visitors' hashes, organisations, robots (issue 15).</summary>
    Investigation = 8,

    /// <summary>
    /// Rankings of record owners by their records' usage (the Users panel's list): who the most used depositors are, as a
    /// community's top uploaders are. Each owner's own statistics stay in <see cref="Usage"/>. (10: clear of the values other
    /// families take.)
    /// </summary>
    OwnerRankings = 10,

    /// <summary>
    /// Which network organisations (autonomous systems: universities, companies, providers) a community's visitors come
    /// from (issue 15). Curators and admins by default: it says who reads a community, which its public may not need to.
    /// (11: clear of the values other families take.)
    /// </summary>
    Organisations = 11,
}

/// <summary>
/// Who may see a family of statistics in a scope. Admins always may. <see cref="Public"/> includes everyone,
/// <see cref="SignedIn"/> every signed-in user; <see cref="Curators"/> and <see cref="Owners"/> may be combined.
/// </summary>
[Flags]
public enum Audience : byte
{
    AdminsOnly = 0,

    /// <summary>The owner of the record (for a user page: that user).</summary>
    Owners = 1,

    /// <summary>Curators of the community (for a record: of one of its communities).</summary>
    Curators = 2,

    SignedIn = 4 | Owners | Curators,

    Public = 8 | SignedIn,
}

/// <summary>What the access check answers.</summary>
public enum AccessDecision
{
    Allowed,

    /// <summary>Anonymous, and signing in might help: 401 on the API, a sign-in prompt in the UI.</summary>
    SignInRequired,

    /// <summary>Signed in (or a key), and not allowed: 403 on the API, a "not allowed" message in the UI.</summary>
    Forbidden,
}

/// <summary>
/// Who is looking, in the terms of the access rules: signed in or not, the user id that record ownership is matched against
/// (the catalog's owner id), admin or not, and the communities the user curates (external ids).
/// </summary>
public sealed record StatsViewer(bool IsSignedIn, string? UserId, string? DisplayName, bool IsAdmin, IReadOnlySet<string> CuratedCommunities)
{
    public static StatsViewer Anonymous { get; } = new(false, null, null, false, new HashSet<string>(StringComparer.Ordinal));

    public bool Curates(string community) => IsAdmin || CuratedCommunities.Contains(community);
}

/// <summary>The one place that decides who may see what; pages, the APIs, exports, embeds and live updates all ask it.</summary>
public interface IAccessPolicy
{
    /// <summary>May <paramref name="viewer"/> see the <paramref name="family"/> statistics of <paramref name="target"/>?</summary>
    Task<AccessDecision> DecideAsync(StatsViewer viewer, StatFamily family, StatTarget target, CancellationToken cancellationToken = default);

    /// <summary>
    /// The records among <paramref name="recids"/> whose <paramref name="family"/> statistics <paramref name="viewer"/> may not
    /// see: one decision each here; a policy that can decide many records in one catalog read does so.
    /// </summary>
    async Task<IReadOnlySet<string>> HiddenRecordsAsync(
        StatsViewer viewer, StatFamily family, IReadOnlyList<string> recids, CancellationToken cancellationToken = default)
    {
        var hidden = new HashSet<string>(StringComparer.Ordinal);
        foreach (var recid in recids)
        {
            if (await DecideAsync(viewer, family, new StatTarget(StatSubject.Record, recid), cancellationToken) != AccessDecision.Allowed)
            {
                hidden.Add(recid);
            }
        }

        return hidden;
    }
}

/// <summary>What an access rule covers.</summary>
public enum RuleScope : byte
{
    Global = 1,
    Community = 2,
    Record = 3,
}
