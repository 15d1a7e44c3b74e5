using Microsoft.EntityFrameworkCore;
using Stats.Core.Access;
using Stats.Core.Data;
using Stats.Core.Events;
using Stats.Core.Queries;

namespace Stats.Core.Annotations;

/// <summary>Whose note it is: the whole repository's, or one community's.</summary>
public enum AnnotationScope : byte
{
    Repository = 0,
    Community = 1,
}

/// <summary>What happened to a note, in the audit log.</summary>
public enum AnnotationAction : byte
{
    Added = 1,
    Removed = 2,
}

/// <summary>A note as charts and the Admin page show it.</summary>
/// <param name="To">The last day covered, inclusive.</param>
public sealed record ChartNote(long Id, AnnotationScope Scope, string? Community, DateOnly From, DateOnly To, string Text, DateTime CreatedAt, string CreatedBy)
{
    /// <summary>Whether the note covers any day of <paramref name="from"/>..<paramref name="to"/> (inclusive).</summary>
    public bool Overlaps(DateOnly from, DateOnly to) => From <= to && To >= from;
}

/// <summary>One entry of the notes' audit log.</summary>
public sealed record AnnotationChangeInfo(
    DateTime ChangedAt, string ChangedBy, AnnotationAction Action, long AnnotationId, AnnotationScope Scope, string? Community, DateOnly From, DateOnly To, string Text);

/// <summary>A note that cannot be stored as asked: the message says why, in words for the person who typed it.</summary>
public sealed class AnnotationException(string message) : Exception(message);

/// <summary>Reads and writes the notes. Components depend on this interface so that tests can swap it.</summary>
public interface IAnnotations
{
    /// <summary>
    /// The notes a chart of <paramref name="target"/> over <paramref name="firstDay"/>..<paramref name="lastDay"/> shows: the
    /// repository's, and for a community its own, for a record (or concept) those of its communities.
    /// </summary>
    Task<IReadOnlyList<ChartNote>> ForChartAsync(StatTarget target, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken = default);

    /// <summary>Every note, newest day first.</summary>
    Task<IReadOnlyList<ChartNote>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>The audit log, newest first.</summary>
    Task<IReadOnlyList<AnnotationChangeInfo>> ChangesAsync(int count = 200, CancellationToken cancellationToken = default);

    /// <summary>Adds a note for <paramref name="viewer"/>, who must be allowed to (<see cref="AnnotationStore.MayEdit"/>).</summary>
    Task<ChartNote> AddAsync(StatsViewer viewer, AnnotationScope scope, string? community, DateOnly firstDay, DateOnly lastDay, string text, CancellationToken cancellationToken = default);

    /// <summary>Removes a note; false when there is no such note.</summary>
    Task<bool> RemoveAsync(StatsViewer viewer, long id, CancellationToken cancellationToken = default);
}

/// <summary>
/// The notes in the store. Admins write the repository's notes and any community's, curators their communities' notes;
/// every addition and removal is written with its audit entry in one transaction, like a change of an access rule.
/// </summary>
public sealed class AnnotationStore(IDbContextFactory<StatsDbContext> contextFactory, TimeProvider clock) : IAnnotations
{
    /// <summary>A short note, as a chart's label can show it.</summary>
    public const int MaxTextLength = 200;

    /// <summary>Who may write a note of this scope: admins any, curators their own communities'.</summary>
    public static bool MayEdit(StatsViewer viewer, AnnotationScope scope, string? community) =>
        viewer.IsAdmin || (scope == AnnotationScope.Community && community is not null && viewer.CuratedCommunities.Contains(community));

    public async Task<IReadOnlyList<ChartNote>> ForChartAsync(StatTarget target, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken = default)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        List<string> communities = target switch
        {
            { Subject: StatSubject.Community, Id: { } id } => [id],
            { Subject: StatSubject.Record, Id: { } id } => await RecordCommunities(context, r => r.ExternalId == id).ToListAsync(cancellationToken),
            { Subject: StatSubject.Concept, Id: { } id } => await RecordCommunities(context, r => r.ParentExternalId == id || r.ExternalId == id).Distinct().ToListAsync(cancellationToken),
            _ => [],
        };
        var notes = await Covering(context, firstDay, lastDay)
            .Where(a => a.Scope == AnnotationScope.Repository || (a.Community != null && communities.Contains(a.Community)))
            .ToListAsync(cancellationToken);
        return [.. notes.OrderBy(a => a.FromDay).ThenBy(a => a.Id).Select(Info)];
    }

    public async Task<IReadOnlyList<ChartNote>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var notes = await context.Annotations.AsNoTracking().ToListAsync(cancellationToken);
        return [.. notes.OrderByDescending(a => a.FromDay).ThenByDescending(a => a.Id).Select(Info)];
    }

    public async Task<IReadOnlyList<AnnotationChangeInfo>> ChangesAsync(int count = 200, CancellationToken cancellationToken = default)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await context.AnnotationChanges.AsNoTracking()
            .OrderByDescending(c => c.Id)
            .Take(count)
            .Select(c => new AnnotationChangeInfo(c.ChangedAt, c.ChangedBy, c.Action, c.AnnotationId, c.Scope, c.Community, c.FromDay, c.ToDay, c.Text))
            .ToListAsync(cancellationToken);
    }

    public async Task<ChartNote> AddAsync(
        StatsViewer viewer, AnnotationScope scope, string? community, DateOnly firstDay, DateOnly lastDay, string text, CancellationToken cancellationToken = default)
    {
        text = text?.Trim() ?? "";
        community = scope == AnnotationScope.Community ? community?.Trim() : null;
        Validate(scope, community, firstDay, lastDay, text);
        if (!MayEdit(viewer, scope, community))
        {
            throw new UnauthorizedAccessException(scope == AnnotationScope.Repository
                ? "Only admins may add notes for the whole repository."
                : $"Only admins and the curators of {community} may add notes for it.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var by = ChangedBy(viewer);
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        var note = new Annotation { Scope = scope, Community = community, FromDay = firstDay, ToDay = lastDay, Text = text, CreatedAt = now, CreatedBy = by };
        context.Annotations.Add(note);
        await context.SaveChangesAsync(cancellationToken);
        context.AnnotationChanges.Add(Change(note, AnnotationAction.Added, now, by));
        await context.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Info(note);
    }

    public async Task<bool> RemoveAsync(StatsViewer viewer, long id, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        var note = await context.Annotations.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (note is null)
        {
            return false;
        }

        if (!MayEdit(viewer, note.Scope, note.Community))
        {
            throw new UnauthorizedAccessException("Only admins, and curators for their communities' notes, may remove a note.");
        }

        context.Annotations.Remove(note);
        context.AnnotationChanges.Add(Change(note, AnnotationAction.Removed, now, ChangedBy(viewer)));
        await context.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static void Validate(AnnotationScope scope, string? community, DateOnly from, DateOnly to, string text)
    {
        if (text.Length == 0)
        {
            throw new AnnotationException("The note is empty: say what happened, e.g. \"DOI resolver outage\".");
        }

        if (text.Length > MaxTextLength)
        {
            throw new AnnotationException($"The note has {text.Length} characters; at most {MaxTextLength} fit on a chart.");
        }

        if (IdRules.TextProblem(text, MaxTextLength) is { } textProblem)
        {
            throw new AnnotationException($"The note {textProblem}.");
        }

        if (to < from)
        {
            throw new AnnotationException($"The range ends ({to:yyyy-MM-dd}) before it starts ({from:yyyy-MM-dd}).");
        }

        if (scope == AnnotationScope.Community)
        {
            if (string.IsNullOrEmpty(community))
            {
                throw new AnnotationException("A community note needs the community's id.");
            }

            if (IdRules.IdProblem(community) is { } idProblem)
            {
                throw new AnnotationException($"The community id {idProblem}.");
            }
        }
    }

    /// <summary>As the access rules' audit log names people: "name (id)".</summary>
    private static string ChangedBy(StatsViewer viewer) => viewer.DisplayName is { } name && viewer.UserId is { } id && name != id ? $"{name} ({id})"
        : viewer.UserId ?? viewer.DisplayName ?? "unknown";

    private static AnnotationChange Change(Annotation note, AnnotationAction action, DateTime at, string by) => new()
    {
        ChangedAt = at, ChangedBy = by, Action = action, AnnotationId = note.Id, Scope = note.Scope, Community = note.Community,
        FromDay = note.FromDay, ToDay = note.ToDay, Text = note.Text,
    };

    private static ChartNote Info(Annotation a) => new(a.Id, a.Scope, a.Community, a.FromDay, a.ToDay, a.Text, a.CreatedAt, a.CreatedBy);

    // The store's queries, exposed for the translation tests of every provider.

    /// <summary>The notes that cover any day of the period.</summary>
    internal static IQueryable<Annotation> Covering(StatsDbContext context, DateOnly from, DateOnly to) =>
        context.Annotations.AsNoTracking().Where(a => a.FromDay <= to && a.ToDay >= from);

    /// <summary>The communities of the records that match.</summary>
    internal static IQueryable<string> RecordCommunities(StatsDbContext context, System.Linq.Expressions.Expression<Func<Record, bool>> records) =>
        context.Records.Where(records).SelectMany(r => r.Communities).Select(c => c.ExternalId);
}
