using Stats.Core.Access;
using Stats.Core.Queries;

namespace Stats.Tests.Components;

/// <summary>An <see cref="IAccessPolicy"/> that allows everything unless a test denies a family; it records who asked for what.</summary>
public sealed class FakeAccessPolicy : IAccessPolicy
{
    private readonly List<(StatsViewer Viewer, StatFamily Family, StatTarget Target)> _questions = [];

    /// <summary>The answers that are not "allowed", per family.</summary>
    public Dictionary<StatFamily, AccessDecision> Decisions { get; } = [];

    public IReadOnlyList<(StatsViewer Viewer, StatFamily Family, StatTarget Target)> Questions => _questions;

    public Task<AccessDecision> DecideAsync(StatsViewer viewer, StatFamily family, StatTarget target, CancellationToken cancellationToken = default)
    {
        _questions.Add((viewer, family, target));
        return Task.FromResult(viewer.IsAdmin ? AccessDecision.Allowed : Decisions.GetValueOrDefault(family, AccessDecision.Allowed));
    }
}
