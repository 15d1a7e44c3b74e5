using Stats.Core.Data;
using Stats.Core.Queries;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Queries;

public sealed class ActivityStatsTests
{
    private static readonly DateOnly s_jun01 = new(2024, 6, 1);
    private static readonly DateOnly s_jun10 = new(2024, 6, 10);
    private static readonly DateOnly s_jun11 = new(2024, 6, 11);
    private static readonly DateOnly s_jun12 = new(2024, 6, 12);
    private static readonly DateOnly s_jun13 = new(2024, 6, 13);

    private static readonly (string, string)[] s_june10To14 = [("start_date", "2024-06-10"), ("end_date", "2024-06-14")];

    private static (string, string)[] Hep(params (string, string)[] more) => [("community", "hep"), .. s_june10To14, .. more];

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task CommunityStatsCountItsNewRecordsSubmissionsUploadersAccessRightsAndFeatures(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var seed = new AggregateSeed(store.Contexts);
        var hep = await seed.CommunityAsync("hep");
        var eco = await seed.CommunityAsync("eco");
        var o1 = await seed.LabelAsync(LabelKind.Owner, "o1");
        var o2 = await seed.LabelAsync(LabelKind.Owner, "o2");
        var comment = await seed.LabelAsync(LabelKind.Feature, "comment");
        var alert = await seed.LabelAsync(LabelKind.Feature, "alert");
        var a = await seed.RecordAsync("a", owner: "o1", access: AccessRight.Open, communities: [hep]);
        var b = await seed.RecordAsync("b", owner: "o1", access: AccessRight.Embargoed, communities: [hep]);
        var c = await seed.RecordAsync("c", owner: "o2", access: AccessRight.Closed, communities: [hep]);
        var gone = await seed.RecordAsync("gone", owner: "o2", access: AccessRight.Open, communities: [hep], deleted: true);
        var e = await seed.RecordAsync("e", owner: "o1", access: AccessRight.Restricted, communities: [eco]);
        await seed
            .Activity(Activity.NewRecord, hep.Id, s_jun10, 1, subject: o1.Id, detail: (int)AccessRight.Open)
            .Activity(Activity.NewRecord, hep.Id, s_jun10, 1, subject: o1.Id, detail: (int)AccessRight.Embargoed)
            .Activity(Activity.NewRecord, hep.Id, s_jun12, 1, subject: o2.Id, detail: (int)AccessRight.Closed)
            .Activity(Activity.NewRecord, hep.Id, s_jun01, 1, subject: o2.Id, detail: (int)AccessRight.Open)
            .Activity(Activity.NewRecord, eco.Id, s_jun11, 1, subject: o1.Id, detail: (int)AccessRight.Restricted)
            .Activity(Activity.NewRecord, 0, s_jun10, 2, subject: o1.Id, detail: (int)AccessRight.Open)
            .Activity(Activity.NewSubmission, hep.Id, s_jun10, 3)
            .Activity(Activity.NewSubmission, hep.Id, s_jun13, 2)
            .Activity(Activity.NewSubmission, eco.Id, s_jun10, 7)
            .Activity(Activity.FeatureUsed, hep.Id, s_jun10, 4, subject: comment.Id)
            .Activity(Activity.FeatureUsed, hep.Id, s_jun11, 1, subject: comment.Id)
            .Activity(Activity.FeatureUsed, hep.Id, s_jun11, 6, subject: alert.Id)
            .Activity(Activity.FeatureUsed, eco.Id, s_jun11, 9, subject: alert.Id)
            .Usage(StatScope.Record, a.Id, s_jun10, views: 10, downloads: 2)
            .Usage(StatScope.Record, b.Id, s_jun11, views: 5)
            .Usage(StatScope.Record, c.Id, s_jun11, views: 1, downloads: 1)
            .Usage(StatScope.Record, gone.Id, s_jun11, views: 4)
            .Usage(StatScope.Record, e.Id, s_jun11, views: 100)
            .SaveAsync();
        var stats = TestStats.Registry(store);

        Assert.Equal(new CommunityNewRecords("hep", 3), await stats.RunAsync<CommunityNewRecords>("community-new-records", Hep()));
        Assert.Equal(new CommunityNewRecords("hep", 4), await stats.RunAsync<CommunityNewRecords>("community-new-records", ("community", "hep")));
        Assert.Equal(
            [new(s_jun10, new NewRecordCount(2)), new(s_jun11, NewRecordCount.Zero), new HistogramBucket<NewRecordCount>(s_jun12, new NewRecordCount(1))],
            (await stats.RunAsync<Histogram<NewRecordCount>>("community-new-records-histogram", ("community", "hep"), ("start_date", "2024-06-10"), ("end_date", "2024-06-12"))).Buckets);
        Assert.Equal(new CommunityNewSubmissions("hep", 5), await stats.RunAsync<CommunityNewSubmissions>("community-new-submissions", Hep()));
        Assert.Equal(
            [new(new DateOnly(2024, 6, 3), SubmissionCount.Zero), new HistogramBucket<SubmissionCount>(s_jun10, new SubmissionCount(5))],
            (await stats.RunAsync<Histogram<SubmissionCount>>("community-new-submissions-histogram", ("community", "hep"), ("start_date", "2024-06-05"), ("end_date", "2024-06-14"), ("interval", "week"))).Buckets);

        // o1: a and b (views 10 + 5, downloads 2); o2: c, and the deleted record's views of the period (1 + 4, 1). e is in eco.
        var uploaders = await stats.RunAsync<TopUploaders>("community-top-uploaders", Hep());
        Assert.Equal([new("o1", 2, 15, 2), new Uploader("o2", 1, 5, 1)], uploaders.Uploaders);
        Assert.Equal([new Uploader("o1", 2, 15, 2)], (await stats.RunAsync<TopUploaders>("community-top-uploaders", Hep(("size", "1")))).Uploaders);

        // Today's live records (not the deleted one), and the period's publications (not the 1st of June's).
        var rights = await stats.RunAsync<CommunityAccessRights>("community-access-rights", Hep());
        Assert.Equal(
            [new("open", 1, 1), new("embargoed", 1, 1), new("restricted", 0, 0), new AccessRightBucket("closed", 1, 1)],
            rights.Buckets);

        var features = await stats.RunAsync<CommunityFeatures>("community-features", Hep());
        Assert.Equal([new("alert", 6), new FeatureBucket("comment", 5)], features.Buckets);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AnUnknownCommunityHasNothingRatherThanTheRepositorysActivity(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var seed = new AggregateSeed(store.Contexts);
        await seed.RecordAsync("a");
        await seed
            .Activity(Activity.NewRecord, 0, s_jun10, 5)
            .Activity(Activity.NewSubmission, 0, s_jun10, 5)
            .Activity(Activity.SipCreated, 0, s_jun10, 5)
            .SaveAsync();
        var stats = TestStats.Registry(store);

        Assert.Equal(new CommunityNewRecords("nope", 0), await stats.RunAsync<CommunityNewRecords>("community-new-records", ("community", "nope")));
        Assert.Equal(new CommunityNewSubmissions("nope", 0), await stats.RunAsync<CommunityNewSubmissions>("community-new-submissions", ("community", "nope")));
        Assert.All((await stats.RunAsync<CommunityAccessRights>("community-access-rights", ("community", "nope"))).Buckets, r => Assert.Equal(0, r.Records));
        var sips = await stats.RunAsync<SipStoreSummary>("sipstore-summary", ("community", "nope"));
        Assert.Equal((0L, 0L), (sips.SipsCreated, sips.Records));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task TheRepositorySummaryAddsUsageNewRecordsAndTheLiveCatalog(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var seed = new AggregateSeed(store.Contexts);
        var hep = await seed.CommunityAsync("hep");
        await seed.CommunityAsync("eco");
        await seed.RecordAsync("a", communities: [hep]);
        await seed.RecordAsync("b");
        await seed.RecordAsync("gone", deleted: true);
        await seed
            .Usage(StatScope.Repository, 0, s_jun10, views: 20, uniqueViews: 15, downloads: 5, uniqueDownloads: 4, volume: 500)
            .Usage(StatScope.Repository, 0, s_jun11, views: 3, uniqueViews: 3, method: AccessMethod.Machine)
            .Usage(StatScope.Repository, 0, s_jun01, views: 1000)
            .Usage(StatScope.Community, hep.Id, s_jun10, views: 20)
            .Activity(Activity.NewRecord, 0, s_jun10, 1, detail: (int)AccessRight.Open)
            .Activity(Activity.NewRecord, 0, s_jun10, 2, detail: (int)AccessRight.Closed)
            .Activity(Activity.NewRecord, 0, s_jun12, 1)
            .Activity(Activity.NewRecord, 0, s_jun01, 7)
            .Activity(Activity.NewRecord, hep.Id, s_jun10, 1)
            .SaveAsync();
        var stats = TestStats.Registry(store);

        var summary = await stats.RunAsync<RepositorySummary>("repository-summary", s_june10To14);
        var weekly = await stats.RunAsync<Histogram<RepositoryCounts>>("repository-histogram", ("start_date", "2024-06-10"), ("end_date", "2024-06-23"), ("interval", "week"));

        Assert.Equal(new RepositorySummary(23, 18, 5, 4, 500, 4, 2, 2), summary);
        Assert.Equal(
            [new(s_jun10, new RepositoryCounts(23, 18, 5, 4, 500, 4)), new HistogramBucket<RepositoryCounts>(new DateOnly(2024, 6, 17), RepositoryCounts.Zero)],
            weekly.Buckets);
        Assert.Equal(20, (await stats.RunAsync<RepositorySummary>("repository-summary", [("access_method", "regular"), .. s_june10To14])).Views);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task CirculationCountsLoansRenewalsReturnsOverdueAndRequestsPerDocumentAndLocation(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var seed = new AggregateSeed(store.Contexts);
        var doc1 = await seed.LabelAsync(LabelKind.Document, "doc-1");
        var doc2 = await seed.LabelAsync(LabelKind.Document, "doc-2");
        var annex = await seed.LabelAsync(LabelKind.Location, "Annex");
        await seed
            .Activity(Activity.LoanCreated, 0, s_jun10, 3, subject: doc1.Id, detail: annex.Id)
            .Activity(Activity.LoanCreated, 0, s_jun11, 1, subject: doc2.Id)
            .Activity(Activity.LoanExtended, 0, s_jun11, 2, subject: doc1.Id, detail: annex.Id)
            .Activity(Activity.LoanReturned, 0, s_jun12, 1, subject: doc1.Id, detail: annex.Id)
            .Activity(Activity.LoanOverdue, 0, s_jun13, 1, subject: doc2.Id)
            .Activity(Activity.LoanRequested, 0, s_jun10, 4, subject: doc2.Id, detail: annex.Id)
            .Activity(Activity.LoanCreated, 0, new DateOnly(2024, 6, 20), 10, subject: doc1.Id, detail: annex.Id)
            .SaveAsync();
        var stats = TestStats.Registry(store);

        Assert.Equal(new CirculationCounts(4, 2, 1, 1, 4), await stats.RunAsync<CirculationCounts>("circulation-summary", s_june10To14));
        Assert.Equal(
            [new(s_jun10, new CirculationCounts(3, 0, 0, 0, 4)), new HistogramBucket<CirculationCounts>(s_jun11, new CirculationCounts(1, 2, 0, 0, 0))],
            (await stats.RunAsync<Histogram<CirculationCounts>>("circulation-loans-histogram", ("start_date", "2024-06-10"), ("end_date", "2024-06-11"))).Buckets);
        Assert.Equal(
            [new("doc-1", 3, 2, 1, 0, 0), new CirculationBucket("doc-2", 1, 0, 0, 1, 4)],
            (await stats.RunAsync<CirculationBreakdown>("circulation-top-documents", s_june10To14)).Buckets);
        Assert.Equal(
            [new("Annex", 3, 2, 1, 0, 4), new CirculationBucket(null, 1, 0, 0, 1, 0)],
            (await stats.RunAsync<CirculationBreakdown>("circulation-locations", s_june10To14)).Buckets);
        Assert.Equal(
            [new CirculationBucket("doc-1", 13, 2, 1, 0, 0)],
            (await stats.RunAsync<CirculationBreakdown>("circulation-top-documents", ("size", "1"))).Buckets);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task TheCommunityDirectoryListsEveryCommunityWithItsLiveRecordsAndItsUsageAndNewRecordsInThePeriod(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var seed = new AggregateSeed(store.Contexts);
        var hep = await seed.CommunityAsync("hep", "High-energy physics");
        var eco = await seed.CommunityAsync("eco");
        await seed.CommunityAsync("quiet");
        await seed.RecordAsync("a", communities: [hep]);
        await seed.RecordAsync("b", communities: [hep, eco]);
        await seed.RecordAsync("gone", communities: [hep], deleted: true);
        await seed
            .Usage(StatScope.Community, hep.Id, s_jun10, views: 10, downloads: 2)
            .Usage(StatScope.Community, hep.Id, s_jun11, views: 5, downloads: 1, method: AccessMethod.Machine)
            .Usage(StatScope.Community, hep.Id, s_jun01, views: 1000)
            .Usage(StatScope.Community, eco.Id, s_jun12, views: 3)
            .Usage(StatScope.Repository, 0, s_jun12, views: 99)
            .Activity(Activity.NewRecord, hep.Id, s_jun10, 2)
            .Activity(Activity.NewRecord, hep.Id, s_jun01, 7)
            .Activity(Activity.NewRecord, 0, s_jun10, 5)
            .SaveAsync();
        var stats = new ActivityStats(store.Contexts, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestStats.Now));

        var all = await stats.CommunitiesAsync(new Period(s_jun10, s_jun13), method: null, TestContext.Current.CancellationToken);
        var regular = await stats.CommunitiesAsync(new Period(s_jun10, s_jun13), AccessMethod.Regular, TestContext.Current.CancellationToken);

        Assert.Equal(
            [
                new CommunityListing("eco", null, Records: 1, NewRecords: 0, Views: 3, Downloads: 0),
                new CommunityListing("hep", "High-energy physics", Records: 2, NewRecords: 2, Views: 15, Downloads: 3),
                new CommunityListing("quiet", null, Records: 0, NewRecords: 0, Views: 0, Downloads: 0),
            ],
            all.Communities);
        Assert.Equal(10, regular.Communities.Single(c => c.Community == "hep").Views);
    }
}
