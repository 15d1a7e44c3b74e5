using Stats.Core.Access;
using Stats.Core.Queries;

namespace Stats.Tests.Components;

/// <summary>
/// An <see cref="IAccessPolicy"/> with the default audiences (public usage and countries, admins for the rest) unless a test
/// decides a family itself; it records who asked for what.
/// </summary>
public sealed class FakeAccessPolicy : IAccessPolicy
{
    private readonly List<(StatsViewer Viewer, StatFamily Family, StatTarget Target)> _questions = [];

    /// <summary>The answers that are not "allowed", per family.</summary>
    public Dictionary<StatFamily, AccessDecision> Decisions { get; } = [];

    public IReadOnlyList<(StatsViewer Viewer, StatFamily Family, StatTarget Target)> Questions => _questions;

    /// <summary>Records whose statistics only admins may see (a record rule), whatever <see cref="Decisions"/> says.</summary>
    public HashSet<string> RestrictedRecords { get; } = new(StringComparer.Ordinal);

    public Task<AccessDecision> DecideAsync(StatsViewer viewer, StatFamily family, StatTarget target, CancellationToken cancellationToken = default)
    {
        _questions.Add((viewer, family, target));
        if (viewer.IsAdmin)
        {
            return Task.FromResult(AccessDecision.Allowed);
        }

        if (target is { Subject: StatSubject.Record, Id: { } recid } && RestrictedRecords.Contains(recid))
        {
            return Task.FromResult(viewer.IsSignedIn ? AccessDecision.Forbidden : AccessDecision.SignInRequired);
        }

        var audience = DefaultAudiences.Of(family);
        var byDefault = audience.HasFlag(Audience.Public) || (viewer.IsSignedIn && audience.HasFlag(Audience.SignedIn)) ? AccessDecision.Allowed
            : viewer.IsSignedIn ? AccessDecision.Forbidden : AccessDecision.SignInRequired;
        return Task.FromResult(Decisions.GetValueOrDefault(family, byDefault));
    }
}
