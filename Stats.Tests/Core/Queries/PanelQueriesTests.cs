using Microsoft.Extensions.Time.Testing;
using Stats.Core.Data;
using Stats.Core.Queries;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Queries;

/// <summary>The query methods the panels read a whole table or section with, in one query instead of one per row.</summary>
public sealed class PanelQueriesTests
{
    private static readonly DateOnly s_jun09 = new(2024, 6, 9);
    private static readonly DateOnly s_jun10 = new(2024, 6, 10);
    private static readonly DateOnly s_jun11 = new(2024, 6, 11);
    private static readonly Period s_june10To14 = new(s_jun10, new DateOnly(2024, 6, 14));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task TotalsOfManyOwnersSumEachOwnersDaysInThePeriodAndGiveZerosToTheUnusedAndTheUnknown(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var seed = new AggregateSeed(store.Contexts);
        foreach (var owner in new[] { "alice", "bob", "idle" })
        {
            await seed.LabelAsync(LabelKind.Owner, owner);
        }

        // An owner's usage is the sum of its records'.
        var alice1 = await seed.RecordAsync("alice-1", owner: "alice");
        var alice2 = await seed.RecordAsync("alice-2", owner: "alice");
        var bob = await seed.RecordAsync("bob-1", owner: "bob");
        var idle = await seed.RecordAsync("idle-1", owner: "idle");
        // A community with alice's id: another scope, not her usage.
        var namesake = await seed.CommunityAsync("alice");
        await seed
            .Usage(StatScope.Record, alice1.Id, s_jun09, views: 100)
            .Usage(StatScope.Record, alice1.Id, s_jun10, views: 5, uniqueViews: 4, downloads: 2, uniqueDownloads: 1, volume: 300)
            .Usage(StatScope.Record, alice2.Id, s_jun11, views: 1, uniqueViews: 1, method: AccessMethod.Machine)
            .Usage(StatScope.Record, bob.Id, s_jun11, views: 7, uniqueViews: 7)
            .Usage(StatScope.Record, idle.Id, s_jun09, views: 3)
            .Usage(StatScope.Community, namesake.Id, s_jun10, views: 50)
            .SaveAsync();
        var usage = new UsageStats(store.Contexts, new FakeTimeProvider(TestStats.Now));

        var totals = await usage.TotalsOfManyAsync(StatSubject.Owner, ["alice", "bob", "idle", "nobody"], s_june10To14, Cancellation);

        Assert.Equal(new UsageCounts(6, 5, 2, 1, 300), totals["alice"]);
        Assert.Equal(new UsageCounts(7, 7, 0, 0, 0), totals["bob"]);
        Assert.Equal(UsageCounts.Zero, totals["idle"]);
        Assert.Equal(UsageCounts.Zero, totals["nobody"]);
        Assert.Equal(4, totals.Count);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task TotalsOfManyCommunitiesAndRecordsReadTheirOwnScopes(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var seed = new AggregateSeed(store.Contexts);
        var hep = await seed.CommunityAsync("hep");
        var eco = await seed.CommunityAsync("eco");
        var r1 = await seed.RecordAsync("r1", communities: [hep]);
        await seed
            .Usage(StatScope.Community, hep.Id, s_jun10, views: 10, downloads: 4)
            .Usage(StatScope.Community, eco.Id, s_jun11, views: 2, downloads: 1, method: AccessMethod.Machine)
            .Usage(StatScope.Record, r1.Id, s_jun10, views: 3, downloads: 1, volume: 100)
            .SaveAsync();
        var usage = new UsageStats(store.Contexts, new FakeTimeProvider(TestStats.Now));

        var communities = await usage.TotalsOfManyAsync(StatSubject.Community, ["hep", "eco"], s_june10To14, Cancellation);
        var records = await usage.TotalsOfManyAsync(StatSubject.Record, ["r1"], s_june10To14, Cancellation);

        Assert.Equal(new UsageCounts(10, 0, 4, 0, 0), communities["hep"]);
        Assert.Equal(new UsageCounts(2, 0, 1, 0, 0), communities["eco"]);
        Assert.Equal(new UsageCounts(3, 0, 1, 0, 100), records["r1"]);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AccessMethodTotalsSplitRegularFromMachineAccessOfTheTarget(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var seed = new AggregateSeed(store.Contexts);
        var v1 = await seed.RecordAsync("v1", parent: "c1");
        var solo = await seed.RecordAsync("solo");
        var concept = await seed.LabelAsync(LabelKind.Concept, "c1");
        await seed
            .Usage(StatScope.Record, v1.Id, s_jun10, views: 4, uniqueViews: 3)
            .Usage(StatScope.Record, v1.Id, s_jun11, views: 2, uniqueViews: 1, downloads: 1, uniqueDownloads: 1, volume: 10, method: AccessMethod.Machine)
            .Usage(StatScope.Concept, concept.Id, s_jun10, views: 9, uniqueViews: 6)
            .Usage(StatScope.Record, solo.Id, s_jun09, views: 8, method: AccessMethod.Machine)
            .Usage(StatScope.Record, solo.Id, s_jun10, views: 1, method: AccessMethod.Machine)
            .SaveAsync();
        var usage = new UsageStats(store.Contexts, new FakeTimeProvider(TestStats.Now));

        Assert.Equal(
            new AccessMethodTotals(new UsageCounts(4, 3, 0, 0, 0), new UsageCounts(2, 1, 1, 1, 10)),
            await usage.AccessMethodTotalsAsync(new StatTarget(StatSubject.Record, "v1"), s_june10To14, Cancellation));
        Assert.Equal(
            new AccessMethodTotals(new UsageCounts(9, 6, 0, 0, 0), UsageCounts.Zero),
            await usage.AccessMethodTotalsAsync(new StatTarget(StatSubject.Concept, "c1"), s_june10To14, Cancellation));
        // A record without versions is its own concept.
        Assert.Equal(
            new AccessMethodTotals(UsageCounts.Zero, new UsageCounts(1, 0, 0, 0, 0)),
            await usage.AccessMethodTotalsAsync(new StatTarget(StatSubject.Concept, "solo"), s_june10To14, Cancellation));
        Assert.Equal(AccessMethodTotals.Zero, await usage.AccessMethodTotalsAsync(new StatTarget(StatSubject.Record, "nope"), s_june10To14, Cancellation));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task GrowthCountsTheCommunitysNewRecordsAndSubmissionsWithTheirHistograms(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var seed = new AggregateSeed(store.Contexts);
        var hep = await seed.CommunityAsync("hep");
        var eco = await seed.CommunityAsync("eco");
        await seed
            .Activity(Activity.NewRecord, hep.Id, s_jun10, 2, detail: (int)AccessRight.Open)
            .Activity(Activity.NewRecord, hep.Id, s_jun10, 1, detail: (int)AccessRight.Closed)
            .Activity(Activity.NewRecord, hep.Id, s_jun09, 5)
            .Activity(Activity.NewSubmission, hep.Id, s_jun11, 4)
            .Activity(Activity.FeatureUsed, hep.Id, s_jun11, 8)
            .Activity(Activity.NewSubmission, eco.Id, s_jun11, 6)
            .SaveAsync();
        var activity = new ActivityStats(store.Contexts, new FakeTimeProvider(TestStats.Now));

        var growth = await activity.GrowthAsync("hep", new Period(s_jun10, s_jun11), Interval.Day, Cancellation);

        Assert.Equal(3, growth.NewRecords);
        Assert.Equal(4, growth.NewSubmissions);
        Assert.Equal([new(s_jun10, new NewRecordCount(3)), new HistogramBucket<NewRecordCount>(s_jun11, NewRecordCount.Zero)], growth.NewRecordHistory.Buckets);
        Assert.Equal([new(s_jun10, SubmissionCount.Zero), new HistogramBucket<SubmissionCount>(s_jun11, new SubmissionCount(4))], growth.SubmissionHistory.Buckets);
        Assert.Equal(0, (await activity.GrowthAsync("nope", new Period(s_jun10, s_jun11), Interval.Day, Cancellation)).NewRecords);
    }
}
