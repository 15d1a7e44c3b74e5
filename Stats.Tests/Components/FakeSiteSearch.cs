using Stats.Core.Access;
using Stats.Core.Queries;

namespace Stats.Tests.Components;

/// <summary>An <see cref="ISiteSearch"/> that finds nothing: the layout's search box for tests about something else.</summary>
public sealed class FakeSiteSearch : ISiteSearch
{
    public Task<IReadOnlyList<SearchHit>> FindAsync(StatsViewer viewer, string text, int perKind = 5, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<SearchHit>>([]);
}
