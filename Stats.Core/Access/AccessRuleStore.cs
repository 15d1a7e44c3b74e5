using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stats.Core.Data;

namespace Stats.Core.Access;

/// <summary>Where a rule applies: the repository (<see cref="RuleScope.Global"/>, no id), a community or a record by external id.</summary>
public sealed record RuleTarget(RuleScope Kind, string Id)
{
    public static RuleTarget Global { get; } = new(RuleScope.Global, "");

    public static RuleTarget Community(string id) => new(RuleScope.Community, id);

    public static RuleTarget Record(string id) => new(RuleScope.Record, id);

    public override string ToString() => Kind == RuleScope.Global ? "Global" : $"{Kind} {Id}";
}

/// <summary>A stored rule as the Admin page shows it.</summary>
public sealed record AccessRuleInfo(RuleTarget Target, StatFamily Family, Audience Audience, DateTime UpdatedAt, string UpdatedBy);

/// <summary>One entry of the audit log.</summary>
public sealed record AccessRuleChangeInfo(DateTime ChangedAt, string ChangedBy, RuleTarget Target, StatFamily Family, Audience? Before, Audience? After);

/// <summary>The rules in force, indexed for the policy: by family, then by scope.</summary>
public sealed class AccessRuleSet
{
    private readonly Dictionary<(StatFamily, RuleScope, string), Audience> _rules;
    private readonly HashSet<StatFamily> _familiesWithCommunityRules;
    private readonly HashSet<StatFamily> _familiesWithRecordRules;

    public AccessRuleSet(IEnumerable<AccessRuleInfo> rules)
    {
        Rules = [.. rules.OrderBy(r => r.Family).ThenBy(r => r.Target.Kind).ThenBy(r => r.Target.Id, StringComparer.Ordinal)];
        _rules = Rules.ToDictionary(r => (r.Family, r.Target.Kind, r.Target.Id), r => r.Audience);
        _familiesWithCommunityRules = [.. Rules.Where(r => r.Target.Kind == RuleScope.Community).Select(r => r.Family)];
        _familiesWithRecordRules = [.. Rules.Where(r => r.Target.Kind == RuleScope.Record).Select(r => r.Family)];
    }

    public static AccessRuleSet Empty { get; } = new([]);

    public IReadOnlyList<AccessRuleInfo> Rules { get; }

    /// <summary>The rule for exactly this scope, if there is one.</summary>
    public Audience? Find(StatFamily family, RuleScope kind, string id) => _rules.TryGetValue((family, kind, id), out var audience) ? audience : null;

    /// <summary>The global rule, else the default.</summary>
    public Audience GlobalOrDefault(StatFamily family) => Find(family, RuleScope.Global, "") ?? DefaultAudiences.Of(family);

    /// <summary>
    /// The audience in force at <paramref name="target"/> as far as the rules alone say: its own rule, else the global rule, else the
    /// default. A record's communities' rules also count for the record (the policy reads them from the catalog), not here.
    /// </summary>
    public Audience InForce(StatFamily family, RuleTarget target) =>
        (target.Kind == RuleScope.Global ? null : Find(family, target.Kind, target.Id.Trim())) ?? GlobalOrDefault(family);

    /// <summary>What applies at <paramref name="target"/> once its own rule is removed: the global rule or the default.</summary>
    public Audience WithoutRuleAt(StatFamily family, RuleTarget target) =>
        target.Kind == RuleScope.Global ? DefaultAudiences.Of(family) : GlobalOrDefault(family);

    /// <summary>Whether going from <paramref name="before"/> to <paramref name="after"/> lets someone see what they could not.</summary>
    public static bool Widens(Audience before, Audience after) => (after & ~before) != 0;

    /// <summary>Whether any community has a rule for <paramref name="family"/>: only then does a record's decision need its communities.</summary>
    public bool HasCommunityRules(StatFamily family) => _familiesWithCommunityRules.Contains(family);

    /// <summary>Whether any record has a rule for <paramref name="family"/>: only then does a concept's decision need its versions.</summary>
    public bool HasRecordRules(StatFamily family) => _familiesWithRecordRules.Contains(family);

    internal bool SameAs(AccessRuleSet other) =>
        Rules.Count == other.Rules.Count && Rules.Zip(other.Rules).All(p => p.First == p.Second);
}

/// <summary>
/// The stored access rules, kept in memory so that deciding costs no database read: a change made here applies at once
/// (and raises <see cref="Changed"/>, so that open pages re-decide); other instances' changes are seen on the next reload,
/// at most <see cref="AccessOptions.RuleReloadSeconds"/> later. Every change is written with its audit entry in one transaction.
/// </summary>
public sealed class AccessRuleStore(
    IDbContextFactory<StatsDbContext> contextFactory, TimeProvider clock, IOptions<AccessOptions> options, ILogger<AccessRuleStore> logger) : IDisposable
{
    private readonly SemaphoreSlim _reload = new(1, 1);
    private readonly Lock _gate = new();
    private readonly List<Action> _subscribers = [];
    private AccessRuleSet? _rules;
    private DateTimeOffset _loadedAt;

    /// <summary>Subscribes to rule changes; disposing the result unsubscribes.</summary>
    public IDisposable Subscribe(Action onChange)
    {
        lock (_gate)
        {
            _subscribers.Add(onChange);
        }

        return new Subscription(this, onChange);
    }

    /// <summary>The rules in force, reloaded when older than the reload interval.</summary>
    public async ValueTask<AccessRuleSet> GetAsync(CancellationToken cancellationToken = default)
    {
        var rules = _rules;
        if (rules is not null && clock.GetUtcNow() - _loadedAt < TimeSpan.FromSeconds(options.Value.RuleReloadSeconds))
        {
            return rules;
        }

        await _reload.WaitAsync(cancellationToken);
        try
        {
            if (_rules is not null && clock.GetUtcNow() - _loadedAt < TimeSpan.FromSeconds(options.Value.RuleReloadSeconds))
            {
                return _rules;
            }

            var previous = _rules;
            var loaded = await LoadAsync(cancellationToken);
            _rules = loaded;
            _loadedAt = clock.GetUtcNow();
            if (previous is not null && !previous.SameAs(loaded))
            {
                // Another instance changed a rule: this one's open pages re-decide too.
                Publish();
            }

            return loaded;
        }
        finally
        {
            _reload.Release();
        }
    }

    /// <summary>
    /// Sets the audience of <paramref name="family"/> in <paramref name="target"/>, or (<paramref name="audience"/> null) removes
    /// the rule so that a wider rule or the default applies. Recorded in the audit log; false when nothing changed.
    /// </summary>
    public async Task<bool> SetAsync(RuleTarget target, StatFamily family, Audience? audience, string changedBy, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(changedBy);
        target = Normalized(target);
        var now = clock.GetUtcNow().UtcDateTime;
        Audience? before;
        await using (var context = await contextFactory.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
            var rule = await RuleAt(context, target.Kind, target.Id, family).FirstOrDefaultAsync(cancellationToken);
            before = rule?.Audience;
            if (before == audience)
            {
                return false;
            }

            if (audience is null)
            {
                context.AccessRules.Remove(rule!);
            }
            else if (rule is null)
            {
                context.AccessRules.Add(new AccessRule
                {
                    ScopeKind = target.Kind, ScopeId = target.Id, Family = family, Audience = audience.Value, UpdatedAt = now, UpdatedBy = changedBy,
                });
            }
            else
            {
                rule.Audience = audience.Value;
                rule.UpdatedAt = now;
                rule.UpdatedBy = changedBy;
            }

            context.AccessRuleChanges.Add(new AccessRuleChange
            {
                ChangedAt = now, ChangedBy = changedBy, ScopeKind = target.Kind, ScopeId = target.Id, Family = family, Before = before, After = audience,
            });
            await context.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        logger.LogInformation("Access rule {Target} / {Family}: {Before} -> {After}, by {By}.", target, family, before?.ToString() ?? "none", audience?.ToString() ?? "none", changedBy);
        await _reload.WaitAsync(cancellationToken);
        try
        {
            _rules = await LoadAsync(cancellationToken);
            _loadedAt = clock.GetUtcNow();
        }
        finally
        {
            _reload.Release();
        }

        Publish();
        return true;
    }

    /// <summary>The latest changes, newest first.</summary>
    public async Task<IReadOnlyList<AccessRuleChangeInfo>> ChangesAsync(int take = 100, CancellationToken cancellationToken = default)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var changes = await LatestChanges(context, take).ToListAsync(cancellationToken);
        return [.. changes.Select(c => new AccessRuleChangeInfo(c.ChangedAt, c.ChangedBy, new RuleTarget(c.ScopeKind, c.ScopeId), c.Family, c.Before, c.After))];
    }

    /// <summary>A scope id is trimmed; the global scope has none.</summary>
    public static RuleTarget Normalized(RuleTarget target)
    {
        if (target.Kind == RuleScope.Global)
        {
            return RuleTarget.Global;
        }

        var id = target.Id.Trim();
        if (id.Length is 0 or > 128)
        {
            throw new ArgumentException($"A {target.Kind.ToString().ToLowerInvariant()} rule needs the {target.Kind.ToString().ToLowerInvariant()}'s id (1 to 128 characters).", nameof(target));
        }

        return target with { Id = id };
    }

    private async Task<AccessRuleSet> LoadAsync(CancellationToken cancellationToken)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var rules = await AllRules(context).ToListAsync(cancellationToken);
        return new AccessRuleSet(rules.Select(r => new AccessRuleInfo(new RuleTarget(r.ScopeKind, r.ScopeId), r.Family, r.Audience, r.UpdatedAt, r.UpdatedBy)));
    }

    private void Publish()
    {
        Action[] subscribers;
        lock (_gate)
        {
            subscribers = [.. _subscribers];
        }

        foreach (var subscriber in subscribers)
        {
            try
            {
                subscriber();
            }
            catch (Exception ex)
            {
                // One broken page must not keep the others from hearing of the change.
                logger.LogWarning(ex, "A subscriber to access rule changes failed.");
            }
        }
    }

    public void Dispose() => _reload.Dispose();

    private void Unsubscribe(Action onChange)
    {
        lock (_gate)
        {
            _subscribers.Remove(onChange);
        }
    }

    // The store's queries, exposed for the translation tests of every provider.

    internal static IQueryable<AccessRule> AllRules(StatsDbContext context) => context.AccessRules.AsNoTracking();

    internal static IQueryable<AccessRule> RuleAt(StatsDbContext context, RuleScope kind, string id, StatFamily family) =>
        context.AccessRules.Where(r => r.ScopeKind == kind && r.ScopeId == id && r.Family == family);

    internal static IQueryable<AccessRuleChange> LatestChanges(StatsDbContext context, int take) =>
        context.AccessRuleChanges.AsNoTracking().OrderByDescending(c => c.Id).Take(take);

    private sealed class Subscription(AccessRuleStore store, Action onChange) : IDisposable
    {
        public void Dispose() => store.Unsubscribe(onChange);
    }
}
