using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;

namespace Stats.Core.Sources.Catalog;

/// <summary>A catalog source as admins see it (<c>sources.catalog</c> of <c>/api/admin/pipeline</c>, the Admin page, <c>/metrics</c>).</summary>
public sealed record CatalogSourceStatus(
    string Name,
    string Kind,
    string Url,
    DateTime? LastRunStartedAt,
    DateTime? LastRunFinishedAt,
    DateTime? LastSuccessAt,
    DateTime? Bookmark,
    bool Resuming,
    long Seen,
    long Changed,
    long Deleted,
    long Skipped,
    string? LastSkip,
    string? LastError,
    DateTime? LastErrorAt,
    int ConsecutiveFailures,
    DateTime? NextRunAt);

/// <summary>Reads the catalog sources' states: every configured source, run or not, and any the store remembers.</summary>
internal static class CatalogSourceStatuses
{
    public static async Task<IReadOnlyList<CatalogSourceStatus>> ReadAsync(StatsDbContext context, IReadOnlyList<CatalogSourceOptions> sources, CancellationToken cancellationToken)
    {
        var states = await States(context).ToDictionaryAsync(s => s.Name, StringComparer.Ordinal, cancellationToken);
        return [.. sources.Select(s => Status(s.Name, s.Kind.ToString(), Display(s.Url), states.GetValueOrDefault(s.Name)))];
    }

    private static CatalogSourceStatus Status(string name, string kind, string url, CatalogSourceState? s) =>
        new(name, kind, url, s?.LastRunStartedAt, s?.LastRunFinishedAt, s?.LastSuccessAt, s?.Bookmark, s?.Cursor is not null,
            s?.Seen ?? 0, s?.Changed ?? 0, s?.Deleted ?? 0, s?.Skipped ?? 0, s?.LastSkip, s?.LastError, s?.LastErrorAt, s?.ConsecutiveFailures ?? 0, s?.NextRunAt);

    /// <summary>The URL without what may hold a secret (user info, query).</summary>
    private static string Display(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Path) : url;

    /// <summary>Exposed for the translation tests of every provider.</summary>
    internal static IQueryable<CatalogSourceState> States(StatsDbContext context) => context.CatalogSourceStates.AsNoTracking();
}
