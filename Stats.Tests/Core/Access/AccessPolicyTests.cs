using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Stats.Core.Access;
using Stats.Core.Data;
using Stats.Core.Queries;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Access;

public sealed class AccessPolicyTests
{
    private static readonly StatsViewer s_anonymous = StatsViewer.Anonymous;
    private static readonly StatsViewer s_someone = Viewer("someone");
    private static readonly StatsViewer s_owner = Viewer("owner-1");
    private static readonly StatsViewer s_curatorA = Viewer("curator-a", "comm-a");
    private static readonly StatsViewer s_curatorB = Viewer("curator-b", "comm-b");

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static StatsViewer Viewer(string id, params string[] curated) => new(true, id, id, false, curated.ToHashSet(StringComparer.Ordinal));

    private static StatTarget Record(string id) => new(StatSubject.Record, id);

    /// <summary>rec-1 (owner-1's, version of concept-1) is in comm-a and comm-b; rec-2 only in comm-b; rec-3 in none.</summary>
    private static async Task<(AccessPolicy Policy, AccessRuleStore Rules, FakeTimeProvider Clock)> CreateAsync(TestStore store)
    {
        await using (var seed = new AggregateSeed(store.Contexts))
        {
            var a = await seed.CommunityAsync("comm-a");
            var b = await seed.CommunityAsync("comm-b");
            await seed.RecordAsync("rec-1", parent: "concept-1", owner: "owner-1", communities: [a, b]);
            await seed.RecordAsync("rec-2", parent: "concept-1", owner: "owner-2", communities: [b]);
            await seed.RecordAsync("rec-3", owner: "owner-3");
        }

        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var rules = new AccessRuleStore(store.Contexts, clock, Options.Create(new AccessOptions()), NullLogger<AccessRuleStore>.Instance);
        return (new AccessPolicy(store.Contexts, rules), rules, clock);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task WithoutRulesTheDefaultsApply(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var (policy, _, _) = await CreateAsync(store);

        Assert.Equal(AccessDecision.Allowed, await policy.DecideAsync(s_anonymous, StatFamily.Usage, Record("rec-1"), Cancellation));
        Assert.Equal(AccessDecision.SignInRequired, await policy.DecideAsync(s_anonymous, StatFamily.Circulation, new(StatSubject.Repository, null), Cancellation));
        Assert.Equal(AccessDecision.Forbidden, await policy.DecideAsync(s_someone, StatFamily.SipStore, new(StatSubject.Repository, null), Cancellation));
        Assert.Equal(AccessDecision.Allowed, await policy.DecideAsync(s_curatorA, StatFamily.TopUploaders, new(StatSubject.Community, "comm-a"), Cancellation));
        Assert.Equal(AccessDecision.Forbidden, await policy.DecideAsync(s_curatorB, StatFamily.TopUploaders, new(StatSubject.Community, "comm-a"), Cancellation));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task OwnerRankingsAreForSignedInUsersByDefaultWhileEachOwnersUsageStaysPublic(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var (policy, _, _) = await CreateAsync(store);

        Assert.Equal(AccessDecision.SignInRequired, await policy.DecideAsync(s_anonymous, StatFamily.OwnerRankings, new(StatSubject.Repository, null), Cancellation));
        Assert.Equal(AccessDecision.Allowed, await policy.DecideAsync(s_someone, StatFamily.OwnerRankings, new(StatSubject.Repository, null), Cancellation));
        Assert.Equal(AccessDecision.Allowed, await policy.DecideAsync(s_anonymous, StatFamily.Usage, new(StatSubject.Owner, "owner-1"), Cancellation));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task TheMostSpecificRuleWinsAndSeveralCommunitiesTakeTheMostRestrictive(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var (policy, rules, _) = await CreateAsync(store);

        await rules.SetAsync(RuleTarget.Global, StatFamily.Usage, Audience.SignedIn, "admin", Cancellation);
        await rules.SetAsync(RuleTarget.Community("comm-a"), StatFamily.Usage, Audience.Public, "admin", Cancellation);
        await rules.SetAsync(RuleTarget.Community("comm-b"), StatFamily.Usage, Audience.Curators | Audience.Owners, "admin", Cancellation);

        // rec-3 has no community: the global rule. rec-2 is only in comm-b. rec-1 is in both: comm-b's narrower rule holds.
        Assert.Equal(AccessDecision.SignInRequired, await policy.DecideAsync(s_anonymous, StatFamily.Usage, Record("rec-3"), Cancellation));
        Assert.Equal(AccessDecision.Allowed, await policy.DecideAsync(s_someone, StatFamily.Usage, Record("rec-3"), Cancellation));
        Assert.Equal(AccessDecision.Forbidden, await policy.DecideAsync(s_someone, StatFamily.Usage, Record("rec-1"), Cancellation));
        Assert.Equal(AccessDecision.Allowed, await policy.DecideAsync(s_owner, StatFamily.Usage, Record("rec-1"), Cancellation));
        Assert.Equal(AccessDecision.Allowed, await policy.DecideAsync(s_curatorB, StatFamily.Usage, Record("rec-2"), Cancellation));
        Assert.Equal(AccessDecision.Allowed, await policy.DecideAsync(s_curatorA, StatFamily.Usage, Record("rec-1"), Cancellation));
        Assert.Equal(AccessDecision.Forbidden, await policy.DecideAsync(s_curatorA, StatFamily.Usage, Record("rec-2"), Cancellation));
        // A community's own statistics follow its rule.
        Assert.Equal(AccessDecision.Allowed, await policy.DecideAsync(s_anonymous, StatFamily.Usage, new(StatSubject.Community, "comm-a"), Cancellation));

        // The record's own rule beats its communities'.
        await rules.SetAsync(RuleTarget.Record("rec-1"), StatFamily.Usage, Audience.Public, "admin", Cancellation);
        Assert.Equal(AccessDecision.Allowed, await policy.DecideAsync(s_anonymous, StatFamily.Usage, Record("rec-1"), Cancellation));
        // All versions of a concept are visible only to whoever may see each version.
        await rules.SetAsync(RuleTarget.Record("rec-2"), StatFamily.Usage, Audience.Owners, "admin", Cancellation);
        Assert.Equal(AccessDecision.Forbidden, await policy.DecideAsync(s_owner, StatFamily.Usage, new(StatSubject.Concept, "concept-1"), Cancellation));
        Assert.Equal(AccessDecision.Allowed, await policy.DecideAsync(Viewer("owner-2"), StatFamily.Usage, new(StatSubject.Concept, "concept-1"), Cancellation));
        await rules.SetAsync(RuleTarget.Record("rec-1"), StatFamily.Usage, Audience.SignedIn, "admin", Cancellation);
        Assert.Equal(AccessDecision.Allowed, await policy.DecideAsync(Viewer("owner-2"), StatFamily.Usage, new(StatSubject.Concept, "concept-1"), Cancellation));
        Assert.Equal(AccessDecision.SignInRequired, await policy.DecideAsync(s_anonymous, StatFamily.Usage, new(StatSubject.Concept, "concept-1"), Cancellation));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task TheBatchNamesTheFirstRecordRefused(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var (policy, rules, _) = await CreateAsync(store);

        Assert.Equal((AccessDecision.Allowed, (string?)null), await policy.DecideRecordsAsync(s_anonymous, StatFamily.Usage, ["rec-1", "rec-2", "unknown"], Cancellation));

        await rules.SetAsync(RuleTarget.Community("comm-b"), StatFamily.Usage, Audience.Owners, "admin", Cancellation);

        Assert.Equal((AccessDecision.SignInRequired, "rec-1"), await policy.DecideRecordsAsync(s_anonymous, StatFamily.Usage, ["rec-3", "rec-1", "rec-2"], Cancellation));
        Assert.Equal((AccessDecision.Forbidden, "rec-2"), await policy.DecideRecordsAsync(s_owner, StatFamily.Usage, ["rec-1", "rec-2", "unknown"], Cancellation));
        Assert.Equal((AccessDecision.Allowed, (string?)null), await policy.DecideRecordsAsync(s_someone, StatFamily.Usage, ["rec-3", "unknown"], Cancellation));
    }

    [Fact]
    public async Task AnotherInstancesChangeIsSeenAfterTheReloadIntervalAndAnnounced()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var (here, rules, clock) = await CreateAsync(store);
        var other = new AccessRuleStore(store.Contexts, clock, Options.Create(new AccessOptions()), NullLogger<AccessRuleStore>.Instance);
        var changes = 0;
        using var subscription = rules.Subscribe(() => changes++);
        var repository = new StatTarget(StatSubject.Repository, null);
        Assert.Equal(AccessDecision.SignInRequired, await here.DecideAsync(s_anonymous, StatFamily.Circulation, repository, Cancellation));

        await other.SetAsync(RuleTarget.Global, StatFamily.Circulation, Audience.Public, "admin elsewhere", Cancellation);

        Assert.Equal(AccessDecision.SignInRequired, await here.DecideAsync(s_anonymous, StatFamily.Circulation, repository, Cancellation));
        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(AccessDecision.Allowed, await here.DecideAsync(s_anonymous, StatFamily.Circulation, repository, Cancellation));
        Assert.Equal(1, changes);
    }

    [Fact]
    public async Task EveryChangeIsAuditedAndAnUnchangedRuleIsNot()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var (_, rules, clock) = await CreateAsync(store);

        Assert.True(await rules.SetAsync(RuleTarget.Community(" comm-a "), StatFamily.Countries, Audience.SignedIn, "alice", Cancellation));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.False(await rules.SetAsync(RuleTarget.Community("comm-a"), StatFamily.Countries, Audience.SignedIn, "alice", Cancellation));
        Assert.True(await rules.SetAsync(RuleTarget.Community("comm-a"), StatFamily.Countries, null, "bob", Cancellation));

        var changes = await rules.ChangesAsync(cancellationToken: Cancellation);
        Assert.Equal(
            [
                new AccessRuleChangeInfo(clock.GetUtcNow().UtcDateTime, "bob", RuleTarget.Community("comm-a"), StatFamily.Countries, Audience.SignedIn, null),
                new AccessRuleChangeInfo(clock.GetUtcNow().UtcDateTime.AddMinutes(-1), "alice", RuleTarget.Community("comm-a"), StatFamily.Countries, null, Audience.SignedIn),
            ],
            changes);
        Assert.Empty((await rules.GetAsync(Cancellation)).Rules);
        await Assert.ThrowsAsync<ArgumentException>(() => rules.SetAsync(RuleTarget.Record(" "), StatFamily.Usage, Audience.Public, "alice", Cancellation));
    }
}
