using Stats.Core.Access;
using Stats.Core.Annotations;
using Stats.Core.Queries;

namespace Stats.Tests.Components;

/// <summary>
/// An <see cref="IAnnotations"/> holding the notes a test gives it: a chart gets the repository's notes and, for a community,
/// that community's (the store's record-to-community rule is tested against the store). It records what charts asked.
/// </summary>
public sealed class FakeAnnotations : IAnnotations
{
    public List<ChartNote> Notes { get; } = [];

    public List<(StatTarget Target, DateOnly From, DateOnly To)> Asked { get; } = [];

    public Task<IReadOnlyList<ChartNote>> ForChartAsync(StatTarget target, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken = default)
    {
        Asked.Add((target, firstDay, lastDay));
        return Task.FromResult<IReadOnlyList<ChartNote>>(
        [
            .. Notes.Where(n => n.Overlaps(firstDay, lastDay)
                && (n.Scope == AnnotationScope.Repository || (target.Subject == StatSubject.Community && n.Community == target.Id))),
        ]);
    }

    public Task<IReadOnlyList<ChartNote>> ListAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<ChartNote>>([.. Notes]);

    public Task<IReadOnlyList<AnnotationChangeInfo>> ChangesAsync(int count = 200, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<AnnotationChangeInfo>>([]);

    public Task<ChartNote> AddAsync(
        StatsViewer viewer, AnnotationScope scope, string? community, DateOnly firstDay, DateOnly lastDay, string text, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Tests that add notes use the store.");

    public Task<bool> RemoveAsync(StatsViewer viewer, long id, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Tests that remove notes use the store.");

    /// <summary>A repository note, or a community's when <paramref name="community"/> is set.</summary>
    public ChartNote Add(DateOnly from, DateOnly to, string text, string? community = null)
    {
        var note = new ChartNote(Notes.Count + 1, community is null ? AnnotationScope.Repository : AnnotationScope.Community, community, from, to, text,
            new DateTime(2026, 11, 1, 9, 0, 0, DateTimeKind.Utc), "Admin (admin-1)");
        Notes.Add(note);
        return note;
    }
}
