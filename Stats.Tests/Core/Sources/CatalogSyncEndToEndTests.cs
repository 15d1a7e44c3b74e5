using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Stats.Core.Access;
using Stats.Core.Data;
using Stats.Core.Queries;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Sources;

/// <summary>
/// A catalog filled by sync feeds the panels as lifecycle events do: communities, owners, all versions, and the
/// access rules of a community; a record moved by a later sync is re-attributed on the days whose raw events are kept.
/// </summary>
public sealed class CatalogSyncEndToEndTests
{
    private const string Hep = "5f0a1c4e-0000-4000-8000-000000000001";
    private const string Eco = "5f0a1c4e-0000-4000-8000-000000000002";

    private static readonly DateTimeOffset s_noon = new(2024, 6, 10, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory, MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AfterASyncCommunityOwnerAndAllVersionsStatsAndACommunitysAccessRuleBehaveAsWithLifecycleEvents(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var harness = new IngestionHarness(store);
        await using var rdm = await InvenioRdmStandIn.StartAsync();
        rdm.Communities[Hep] = ("hep", "High-energy physics");
        rdm.Communities[Eco] = ("eco", "Ecology");
        var synced = s_noon.UtcDateTime.AddDays(-20);
        rdm.Put(
            new RdmRecord("v1", "concept", synced) { Communities = [Hep], Owner = "alice" },
            new RdmRecord("v2", "concept", synced.AddMinutes(1)) { Communities = [Hep], Owner = "alice" },
            new RdmRecord("solo", "solo-concept", synced.AddMinutes(2)) { Communities = [Eco], Owner = "bob" });
        var runner = CatalogSyncHarness.Runner(store, harness.Clock, CatalogSyncHarness.Rdm(rdm));
        await runner.SyncOkAsync();
        await harness.IngestAsync(
            TestEvents.View("v1", s_noon, sessionId: "s-1"),
            TestEvents.View("v2", s_noon.AddMinutes(1), sessionId: "s-1"),
            TestEvents.View("v2", s_noon.AddMinutes(2), sessionId: "s-2"),
            TestEvents.View("solo", s_noon.AddMinutes(3), sessionId: "s-3"));
        await harness.AggregateAsync();

        var usage = new UsageStats(store.Contexts, harness.Clock);
        Assert.Equal(3, (await usage.TotalsAsync(StatScope.Community, "hep", Period.All, null, Cancellation)).Views);
        Assert.Equal(3, (await usage.TotalsAsync(StatScope.Owner, "alice", Period.All, null, Cancellation)).Views);
        // All versions: one session that saw both versions is one unique view.
        Assert.Equal((3, 2), (await usage.TotalsAsync(StatScope.Concept, "concept", Period.All, null, Cancellation)) is var all ? (all.Views, all.UniqueViews) : default);

        var rules = new AccessRuleStore(store.Contexts, harness.Clock, Options.Create(new AccessOptions()), NullLogger<AccessRuleStore>.Instance);
        await rules.SetAsync(RuleTarget.Community("eco"), StatFamily.Usage, Audience.AdminsOnly, "admin", Cancellation);
        var policy = new AccessPolicy(store.Contexts, rules);
        Assert.Equal(AccessDecision.Allowed, await policy.DecideAsync(StatsViewer.Anonymous, StatFamily.Usage, new StatTarget(StatSubject.Record, "v1"), Cancellation));
        Assert.NotEqual(AccessDecision.Allowed, await policy.DecideAsync(StatsViewer.Anonymous, StatFamily.Usage, new StatTarget(StatSubject.Record, "solo"), Cancellation));

        // v1 moves to eco: its kept day is aggregated again under eco, and the community's rule now covers it.
        rdm.Put(new RdmRecord("v1", "concept", s_noon.UtcDateTime.AddDays(1)) { Communities = [Eco], Owner = "alice" });
        harness.Clock.Advance(TimeSpan.FromDays(2));
        var moved = await runner.SyncOkAsync();
        Assert.Equal(1, moved.Reattributed);
        await using (var context = store.CreateContext())
        {
            Assert.Contains(DateOnly.FromDateTime(s_noon.UtcDateTime), await context.DirtyDays.Select(d => d.Day).ToListAsync(Cancellation));
        }

        await harness.AggregateAsync();
        Assert.Equal(2, (await usage.TotalsAsync(StatScope.Community, "hep", Period.All, null, Cancellation)).Views);
        Assert.Equal(2, (await usage.TotalsAsync(StatScope.Community, "eco", Period.All, null, Cancellation)).Views);
        Assert.NotEqual(AccessDecision.Allowed, await policy.DecideAsync(StatsViewer.Anonymous, StatFamily.Usage, new StatTarget(StatSubject.Record, "v1"), Cancellation));
    }
}
