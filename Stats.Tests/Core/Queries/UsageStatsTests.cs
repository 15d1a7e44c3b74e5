using Stats.Core.Data;
using Stats.Core.Queries;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Queries;

public sealed class UsageStatsTests
{
    private static readonly DateOnly s_jun09 = new(2024, 6, 9);
    private static readonly DateOnly s_jun10 = new(2024, 6, 10);
    private static readonly DateOnly s_jun11 = new(2024, 6, 11);
    private static readonly DateOnly s_jun15 = new(2024, 6, 15);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task RecordStatsSumBothAccessMethodsOfTheDaysInsideThePeriod(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var seed = new AggregateSeed(store.Contexts);
        var r1 = await seed.RecordAsync("r1", parent: "c-r1");
        var r2 = await seed.RecordAsync("r2");
        await seed
            .Usage(StatScope.Record, r1.Id, s_jun09, views: 100, uniqueViews: 50)
            .Usage(StatScope.Record, r1.Id, s_jun10, views: 5, uniqueViews: 3)
            .Usage(StatScope.Record, r1.Id, s_jun10, views: 2, uniqueViews: 1, method: AccessMethod.Machine)
            .Usage(StatScope.Record, r1.Id, s_jun11, views: 4, uniqueViews: 4, downloads: 3, uniqueDownloads: 2, volume: 300)
            .Usage(StatScope.Record, r1.Id, s_jun15, views: 10, uniqueViews: 7)
            .Usage(StatScope.Record, r2.Id, s_jun10, views: 50, uniqueViews: 50, downloads: 50)
            .SaveAsync();
        var stats = TestStats.Registry(store);
        (string, string)[] june10To14 = [("start_date", "2024-06-10"), ("end_date", "2024-06-14")];
        var asked = new Period(s_jun10, new DateOnly(2024, 6, 14));

        // 5 + 2 + 4 views, 3 + 1 + 4 unique; the record's concept copied as invenio copies parent_recid.
        Assert.Equal(new RecordViews(asked, "r1", "c-r1", 11, 8), await stats.RunAsync<RecordViews>("record-view", [("recid", "r1"), .. june10To14]));
        Assert.Equal(new RecordViews(asked, "r1", "c-r1", 2, 1), await stats.RunAsync<RecordViews>("record-view", [("recid", "r1"), ("access_method", "machine"), .. june10To14]));
        Assert.Equal(new RecordViews(asked, "r1", "c-r1", 9, 7), await stats.RunAsync<RecordViews>("record-view", [("recid", "r1"), ("access_method", "regular"), .. june10To14]));
        Assert.Equal(new RecordViews(Period.All, "r1", "c-r1", 121, 65), await stats.RunAsync<RecordViews>("record-view", ("recid", "r1")));
        Assert.Equal(new RecordDownloads(asked, "r1", "c-r1", 3, 2, 300), await stats.RunAsync<RecordDownloads>("record-download", [("recid", "r1"), .. june10To14]));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AllVersionsUniquesComeFromTheConceptRowsNotTheSumOfTheVersions(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var seed = new AggregateSeed(store.Contexts);
        var v1 = await seed.RecordAsync("v1", parent: "c1");
        var v2 = await seed.RecordAsync("v2", parent: "c1");
        var concept = await seed.LabelAsync(LabelKind.Concept, "c1");
        // One session viewed and downloaded both versions: per version it is unique twice, for the concept once.
        await seed
            .Usage(StatScope.Record, v1.Id, s_jun10, views: 3, uniqueViews: 2, downloads: 1, uniqueDownloads: 1, volume: 100)
            .Usage(StatScope.Record, v2.Id, s_jun10, views: 4, uniqueViews: 2, downloads: 1, uniqueDownloads: 1, volume: 100)
            .Usage(StatScope.Concept, concept.Id, s_jun10, views: 7, uniqueViews: 3, downloads: 2, uniqueDownloads: 1, volume: 200)
            .SaveAsync();
        var stats = TestStats.Registry(store);

        Assert.Equal(new ConceptViews(Period.All, "c1", 7, 3), await stats.RunAsync<ConceptViews>("record-view-all-versions", ("parent_recid", "c1")));
        Assert.Equal(new ConceptDownloads(Period.All, "c1", 2, 1, 200), await stats.RunAsync<ConceptDownloads>("record-download-all-versions", ("parent_recid", "c1")));
        var histogram = await stats.RunAsync<Histogram<ViewCounts>>("record-view-all-versions-histogram", ("parent_recid", "c1"), ("end_date", "2024-06-10"));
        Assert.Equal([new HistogramBucket<ViewCounts>(s_jun10, new ViewCounts(7, 3))], histogram.Buckets);
        var downloads = await stats.RunAsync<Histogram<DownloadCounts>>("record-download-all-versions-histogram", ("parent_recid", "c1"), ("end_date", "2024-06-10"));
        Assert.Equal([new HistogramBucket<DownloadCounts>(s_jun10, new DownloadCounts(2, 1, 200))], downloads.Buckets);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task IdsTheCatalogDoesNotKnowAnswerZeros(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var seed = new AggregateSeed(store.Contexts);
        // Repository rows must not leak into an unknown scope.
        await seed.Usage(StatScope.Repository, 0, s_jun10, views: 9, downloads: 9).SaveAsync();
        var stats = TestStats.Registry(store);

        Assert.Equal(new RecordViews(Period.All, "nope", null, 0, 0), await stats.RunAsync<RecordViews>("record-view", ("recid", "nope")));
        Assert.Equal(new ConceptDownloads(Period.All, "nope", 0, 0, 0), await stats.RunAsync<ConceptDownloads>("record-download-all-versions", ("parent_recid", "nope")));
        Assert.Equal(new CommunityViews("nope", 0, 0), await stats.RunAsync<CommunityViews>("community-views", ("community", "nope")));
        Assert.Equal(new UserStats("nope", 0, 0, 0, 0, 0), await stats.RunAsync<UserStats>("user-stats", ("owner_id", "nope")));
        Assert.Empty((await stats.RunAsync<FileDownloads>("file-download", ("recid", "nope"))).Buckets);
        Assert.Empty((await stats.RunAsync<CountryStats>("countries", ("community", "nope"))).Buckets);
        Assert.Empty((await stats.RunAsync<RecordRanking>("community-top-records", ("community", "nope"))).Records);
        Assert.Empty((await stats.RunAsync<Histogram<ViewCounts>>("record-view-histogram", ("recid", "nope"))).Buckets);
        var zeros = await stats.RunAsync<Histogram<ViewCounts>>("record-view-histogram", ("recid", "nope"), ("start_date", "2024-06-10"), ("end_date", "2024-06-11"));
        Assert.Equal([new(s_jun10, ViewCounts.Zero), new HistogramBucket<ViewCounts>(s_jun11, ViewCounts.Zero)], zeros.Buckets);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AHistogramWithoutDatesRunsFromTheFirstDayWithDataToToday(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var seed = new AggregateSeed(store.Contexts);
        var r1 = await seed.RecordAsync("r1");
        await seed
            .Usage(StatScope.Record, r1.Id, new DateOnly(2024, 6, 17), views: 2, uniqueViews: 1)
            .Usage(StatScope.Record, r1.Id, new DateOnly(2024, 6, 19), views: 3, uniqueViews: 3, downloads: 1, uniqueDownloads: 1, volume: 10)
            .Usage(StatScope.Record, r1.Id, new DateOnly(2024, 6, 19), views: 1, uniqueViews: 1, method: AccessMethod.Machine)
            .SaveAsync();
        var stats = TestStats.Registry(store); // today: 2024-06-20

        var daily = await stats.RunAsync<Histogram<ViewCounts>>("record-view-histogram", ("recid", "r1"));
        var weekly = await stats.RunAsync<Histogram<DownloadCounts>>("record-download-histogram", ("recid", "r1"), ("interval", "week"));

        Assert.Equal("day", daily.Interval);
        Assert.Equal(
            [
                new(new DateOnly(2024, 6, 17), new ViewCounts(2, 1)),
                new(new DateOnly(2024, 6, 18), ViewCounts.Zero),
                new(new DateOnly(2024, 6, 19), new ViewCounts(4, 4)),
                new HistogramBucket<ViewCounts>(new DateOnly(2024, 6, 20), ViewCounts.Zero),
            ],
            daily.Buckets);
        Assert.Equal([new HistogramBucket<DownloadCounts>(new DateOnly(2024, 6, 17), new DownloadCounts(1, 1, 10))], weekly.Buckets);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task FileDownloadsListTheRecordsOwnFilesMostDownloadedFirst(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var seed = new AggregateSeed(store.Contexts);
        var r1 = await seed.RecordAsync("r1");
        var r2 = await seed.RecordAsync("r2");
        var csv = await seed.FileAsync(r1, "a.csv");
        var pdf = await seed.FileAsync(r1, "b.pdf");
        var otherCsv = await seed.FileAsync(r2, "a.csv");
        await seed
            .Usage(StatScope.File, csv.Id, s_jun10, downloads: 2, uniqueDownloads: 2, volume: 200)
            .Usage(StatScope.File, csv.Id, s_jun11, downloads: 1, uniqueDownloads: 1, volume: 100, method: AccessMethod.Machine)
            .Usage(StatScope.File, pdf.Id, s_jun10, downloads: 5, uniqueDownloads: 3, volume: 5000)
            .Usage(StatScope.File, otherCsv.Id, s_jun10, downloads: 9, uniqueDownloads: 9, volume: 900)
            .SaveAsync();
        var stats = TestStats.Registry(store);

        var files = await stats.RunAsync<FileDownloads>("file-download", ("recid", "r1"));
        var machines = await stats.RunAsync<FileDownloads>("file-download", ("recid", "r1"), ("access_method", "machine"));
        var histogram = await stats.RunAsync<Histogram<DownloadCounts>>(
            "file-download-histogram", ("recid", "r1"), ("file_key", "a.csv"), ("start_date", "2024-06-10"), ("end_date", "2024-06-12"));

        Assert.Equal("r1", files.Recid);
        Assert.Equal([new("b.pdf", 5, 3, 5000), new FileDownloadBucket("a.csv", 3, 3, 300)], files.Buckets);
        Assert.Equal([new FileDownloadBucket("a.csv", 1, 1, 100)], machines.Buckets);
        Assert.Equal(
            [new(s_jun10, new DownloadCounts(2, 2, 200)), new(s_jun11, new DownloadCounts(1, 1, 100)), new HistogramBucket<DownloadCounts>(new DateOnly(2024, 6, 12), DownloadCounts.Zero)],
            histogram.Buckets);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task CountriesOfARecordACommunityOrTheWholeRepositoryMostViewedFirst(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var seed = new AggregateSeed(store.Contexts);
        var hep = await seed.CommunityAsync("hep");
        var r1 = await seed.RecordAsync("r1", communities: [hep]);
        await seed
            .Country(StatScope.Record, r1.Id, s_jun10, "CH", views: 3, uniqueViews: 2, downloads: 1, uniqueDownloads: 1)
            .Country(StatScope.Record, r1.Id, s_jun11, "CH", views: 2, uniqueViews: 2)
            .Country(StatScope.Record, r1.Id, s_jun10, CountryDailyStat.Unknown, views: 1, uniqueViews: 1)
            .Country(StatScope.Record, r1.Id, s_jun10, "US", views: 4, uniqueViews: 3)
            .Country(StatScope.Record, r1.Id, s_jun15, "US", views: 40, uniqueViews: 30)
            .Country(StatScope.Community, hep.Id, s_jun10, "DE", views: 7, uniqueViews: 6, downloads: 2, uniqueDownloads: 2)
            .Country(StatScope.Repository, 0, s_jun10, "FR", views: 9, uniqueViews: 9)
            .Country(StatScope.Repository, 0, s_jun10, "CH", views: 9, uniqueViews: 8, downloads: 1, uniqueDownloads: 1)
            .SaveAsync();
        var stats = TestStats.Registry(store);

        var record = await stats.RunAsync<CountryStats>("countries", ("recid", "r1"), ("end_date", "2024-06-14"));
        var community = await stats.RunAsync<CountryStats>("countries", ("community", "hep"));
        var repository = await stats.RunAsync<CountryStats>("countries");

        Assert.Equal([new("CH", 5, 4, 1, 1), new("US", 4, 3, 0, 0), new CountryBucket("ZZ", 1, 1, 0, 0)], record.Buckets);
        Assert.Equal([new CountryBucket("DE", 7, 6, 2, 2)], community.Buckets);
        Assert.Equal([new("CH", 9, 8, 1, 1), new CountryBucket("FR", 9, 9, 0, 0)], repository.Buckets);
        await Assert.ThrowsAsync<StatQueryException>(() => stats.RunAsync<CountryStats>("countries", ("recid", "r1"), ("community", "hep")));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task PopularRecordsRankTheLiveRecordsOfTheSetByTheMetric(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var seed = new AggregateSeed(store.Contexts);
        var hep = await seed.CommunityAsync("hep");
        var a = await seed.RecordAsync("a", communities: [hep], title: "Alpha");
        var b = await seed.RecordAsync("b", communities: [hep]);
        var c = await seed.RecordAsync("c");
        var gone = await seed.RecordAsync("gone", communities: [hep], deleted: true);
        await seed
            .Usage(StatScope.Record, a.Id, s_jun10, views: 5, uniqueViews: 5, downloads: 1, uniqueDownloads: 1)
            .Usage(StatScope.Record, a.Id, s_jun11, views: 5, uniqueViews: 1, method: AccessMethod.Machine)
            .Usage(StatScope.Record, b.Id, s_jun10, views: 7, uniqueViews: 7, downloads: 6, uniqueDownloads: 4)
            .Usage(StatScope.Record, b.Id, new DateOnly(2024, 6, 1), views: 100, uniqueViews: 100)
            .Usage(StatScope.Record, c.Id, s_jun10, views: 100, uniqueViews: 1)
            .Usage(StatScope.Record, gone.Id, s_jun10, views: 50, uniqueViews: 50)
            .SaveAsync();
        var stats = TestStats.Registry(store);
        (string, string)[] june10To14 = [("start_date", "2024-06-10"), ("end_date", "2024-06-14")];

        var views = await stats.RunAsync<RecordRanking>("records-popular", [("community", "hep"), .. june10To14]);
        var downloads = await stats.RunAsync<RecordRanking>("records-popular", [("community", "hep"), ("metric", "downloads"), .. june10To14]);
        var everywhere = await stats.RunAsync<RecordRanking>("records-popular", [("size", "2"), .. june10To14]);
        var unique = await stats.RunAsync<RecordRanking>("records-popular", [("metric", "unique_views"), .. june10To14]);
        var top = await stats.RunAsync<RecordRanking>("community-top-records", [("community", "hep"), ("metric", "downloads"), ("size", "1"), .. june10To14]);

        Assert.Equal("views", views.Metric);
        Assert.Equal([new("a", "Alpha", 10), new RankedRecord("b", "Title of b", 7)], views.Records);
        Assert.Equal([new("b", "Title of b", 6), new RankedRecord("a", "Alpha", 1)], downloads.Records);
        Assert.Equal([new("c", "Title of c", 100), new RankedRecord("a", "Alpha", 10)], everywhere.Records);
        Assert.Equal(["b", "a", "c"], unique.Records.Select(r => r.Recid));
        Assert.Equal([new RankedRecord("b", "Title of b", 6)], top.Records);
        Assert.Equal("downloads", top.Metric);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ByDataVolumeARecordWithFewViewsButHugeDownloadsInBytesRanksFirstAcrossThePeriod(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var seed = new AggregateSeed(store.Contexts);
        var popular = await seed.RecordAsync("popular", owner: "u1");
        var dataset = await seed.RecordAsync("dataset", owner: "u1");
        var small = await seed.RecordAsync("small", owner: "u1");
        // Two days of 3 GB each: a sum past int's range, which a 32-bit sum would overflow.
        await seed
            .Usage(StatScope.Record, popular.Id, s_jun10, views: 900, uniqueViews: 800, downloads: 90, uniqueDownloads: 80, volume: 9_000_000)
            .Usage(StatScope.Record, dataset.Id, s_jun10, views: 2, uniqueViews: 2, downloads: 1, uniqueDownloads: 1, volume: 3_000_000_000)
            .Usage(StatScope.Record, dataset.Id, s_jun11, views: 1, uniqueViews: 1, downloads: 1, uniqueDownloads: 1, volume: 3_000_000_000, method: AccessMethod.Machine)
            .Usage(StatScope.Record, small.Id, s_jun09, views: 1, uniqueViews: 1, downloads: 1, uniqueDownloads: 1, volume: 5_000_000_000)
            .Usage(StatScope.Record, small.Id, s_jun11, views: 40, uniqueViews: 40, downloads: 4, uniqueDownloads: 4, volume: 400)
            .SaveAsync();
        var usage = new UsageStats(store.Contexts, TimeProvider.System);
        var stats = TestStats.Registry(store);
        var june10To11 = new Period(s_jun10, s_jun11);

        var byVolume = await usage.TopRecordsAsync(new RecordSet(OwnerId: "u1"), UsageMetric.DataVolume, june10To11, null, 10, Cancellation);
        var byViews = await usage.TopRecordsAsync(new RecordSet(OwnerId: "u1"), UsageMetric.Views, june10To11, null, 10, Cancellation);
        var fromApi = await stats.RunAsync<RecordRanking>("records-popular", ("metric", "data_volume"), ("start_date", "2024-06-10"), ("end_date", "2024-06-11"), ("size", "1"));
        var grew = await usage.TopRecordChangesAsync(
            new RecordSet(OwnerId: "u1"), UsageMetric.DataVolume, june10To11, new Period(s_jun09, s_jun09), ChangeOrder.Absolute, 10, Cancellation);

        Assert.Equal([new("dataset", "Title of dataset", 6_000_000_000), new("popular", "Title of popular", 9_000_000), new RankedRecord("small", "Title of small", 400)], byVolume.Records);
        Assert.Equal("data_volume", byVolume.Metric);
        Assert.Equal(["popular", "small", "dataset"], byViews.Records.Select(r => r.Recid));
        Assert.Equal([new RankedRecord("dataset", "Title of dataset", 6_000_000_000)], fromApi.Records);
        // small fell from 5 GB on the 9th to 400 bytes: last by growth in volume, though it grew in views.
        Assert.Equal(["dataset", "popular", "small"], grew.Select(r => r.Recid));
        Assert.Equal(new RecordChange("small", "Title of small", 400, 5_000_000_000), grew[^1]);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task UserStatsSumTheOwnersRecordsAndRankTheUsersOwnRecords(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var seed = new AggregateSeed(store.Contexts);
        await seed.LabelAsync(LabelKind.Owner, "u1");
        var a = await seed.RecordAsync("a", owner: "u1");
        var b = await seed.RecordAsync("b", owner: "u1");
        var c = await seed.RecordAsync("c", owner: "u2");
        await seed
            .Usage(StatScope.Record, a.Id, s_jun10, views: 3, uniqueViews: 2, downloads: 3, uniqueDownloads: 2, volume: 30)
            .Usage(StatScope.Record, a.Id, s_jun10, views: 1, uniqueViews: 1, method: AccessMethod.Machine)
            .Usage(StatScope.Record, b.Id, s_jun10, views: 5, uniqueViews: 3)
            .Usage(StatScope.Record, c.Id, s_jun10, views: 9, uniqueViews: 9)
            .SaveAsync();
        var stats = TestStats.Registry(store);

        var totals = await stats.RunAsync<UserStats>("user-stats", ("owner_id", "u1"));
        var top = await stats.RunAsync<RecordRanking>("user-top-records", ("owner_id", "u1"));
        var monthly = await stats.RunAsync<Histogram<UsageCounts>>("user-stats-histogram", ("owner_id", "u1"), ("interval", "month"), ("start_date", "2024-06-15"), ("end_date", "2024-07-31"));

        Assert.Equal(new UserStats("u1", 9, 6, 3, 2, 30), totals);
        Assert.Equal([new("b", "Title of b", 5), new RankedRecord("a", "Title of a", 4)], top.Records);
        // June's bucket starts on the 1st but holds only the days from the 15th: the 10th is outside the range.
        Assert.Equal(
            [new(new DateOnly(2024, 6, 1), UsageCounts.Zero), new HistogramBucket<UsageCounts>(new DateOnly(2024, 7, 1), UsageCounts.Zero)],
            monthly.Buckets);
        var june = await stats.RunAsync<Histogram<UsageCounts>>("user-stats-histogram", ("owner_id", "u1"), ("interval", "month"), ("start_date", "2024-06-10"), ("end_date", "2024-07-31"));
        Assert.Equal(new UsageCounts(9, 6, 3, 2, 30), june.Buckets[0].Values);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task RecordsThatGrewMostComeFirstByCountOrByRatioAndUnusedOrOtherOwnersRecordsAreLeftOut(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var seed = new AggregateSeed(store.Contexts);
        var steady = await seed.RecordAsync("steady", owner: "u1");
        var doubled = await seed.RecordAsync("doubled", owner: "u1");
        var fresh = await seed.RecordAsync("fresh", owner: "u1");
        var fell = await seed.RecordAsync("fell", owner: "u1");
        await seed.RecordAsync("unused", owner: "u1");
        var others = await seed.RecordAsync("others", owner: "u2");
        var gone = await seed.RecordAsync("gone", owner: "u1", deleted: true);
        await seed
            .Usage(StatScope.Record, steady.Id, s_jun09, views: 100, uniqueViews: 1)
            .Usage(StatScope.Record, steady.Id, s_jun10, views: 100, uniqueViews: 1)
            .Usage(StatScope.Record, steady.Id, s_jun11, views: 20, uniqueViews: 1, method: AccessMethod.Machine)
            .Usage(StatScope.Record, doubled.Id, s_jun09, views: 5, uniqueViews: 1)
            .Usage(StatScope.Record, doubled.Id, s_jun10, views: 10, uniqueViews: 1)
            .Usage(StatScope.Record, fresh.Id, s_jun11, views: 3, uniqueViews: 1)
            .Usage(StatScope.Record, fell.Id, s_jun09, views: 9, uniqueViews: 1)
            .Usage(StatScope.Record, fell.Id, s_jun10, views: 1, uniqueViews: 1)
            .Usage(StatScope.Record, others.Id, s_jun10, views: 500, uniqueViews: 1)
            .Usage(StatScope.Record, gone.Id, s_jun10, views: 500, uniqueViews: 1)
            .SaveAsync();
        var usage = new UsageStats(store.Contexts, TimeProvider.System);
        var mine = new RecordSet(OwnerId: "u1");
        var current = new Period(s_jun10, s_jun11);
        var previous = new Period(s_jun09, s_jun09);

        var byCount = await usage.TopRecordChangesAsync(mine, UsageMetric.Views, current, previous, ChangeOrder.Absolute, 10, Cancellation);
        var byRatio = await usage.TopRecordChangesAsync(mine, UsageMetric.Views, current, previous, ChangeOrder.Relative, 10, Cancellation);
        var top = await usage.TopRecordChangesAsync(mine, UsageMetric.Views, current, previous, ChangeOrder.Absolute, 1, Cancellation);

        // steady: 120 against 100 (+20, +20 %); doubled: 10 against 5 (+5, +100 %); fresh: 3 against none; fell: 1 against 9.
        Assert.Equal(
            [new("steady", "Title of steady", 120, 100), new("doubled", "Title of doubled", 10, 5), new("fresh", "Title of fresh", 3, 0), new RecordChange("fell", "Title of fell", 1, 9)],
            byCount);
        Assert.Equal(["doubled", "steady", "fell", "fresh"], byRatio.Select(r => r.Recid));
        Assert.Equal(["steady"], top.Select(r => r.Recid));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ManyRecordsAtOnceGetTheirUsageAndZerosWithoutData(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var seed = new AggregateSeed(store.Contexts);
        var a = await seed.RecordAsync("a");
        await seed.RecordAsync("b");
        await seed
            .Usage(StatScope.Record, a.Id, s_jun10, views: 4, uniqueViews: 3, downloads: 2, uniqueDownloads: 1, volume: 700)
            .Usage(StatScope.Record, a.Id, s_jun11, views: 1, uniqueViews: 1, downloads: 1, uniqueDownloads: 1, volume: 50, method: AccessMethod.Machine)
            .SaveAsync();
        var usage = new UsageStats(store.Contexts, TimeProvider.System);

        var records = await usage.RecordsAsync(["a", "b", "unknown"], Period.All, Cancellation);

        Assert.Equal(new RecordUsage(5, 4, 3, 2, 750), records["a"]);
        Assert.Equal(RecordUsage.Zero, records["b"]);
        Assert.Equal(RecordUsage.Zero, records["unknown"]);
        Assert.Equal(3, records.Count);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task RecordInfoGivesTheTitleConceptAndOwnerOfAKnownRecordAndNothingForAnUnknownOne(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var seed = new AggregateSeed(store.Contexts);
        await seed.RecordAsync("v2", parent: "c1", owner: "u7", title: "Lake sediments");
        await seed.RecordAsync("gone", deleted: true);
        var usage = new UsageStats(store.Contexts, TimeProvider.System);

        Assert.Equal(new RecordInfo("v2", "Lake sediments", "c1", "u7", Deleted: false), await usage.RecordInfoAsync("v2", Cancellation));
        Assert.True((await usage.RecordInfoAsync("gone", Cancellation))!.Deleted);
        Assert.Null(await usage.RecordInfoAsync("unknown", Cancellation));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task TopCommunitiesRankTheCommunitiesRowsOfThePeriodAndLeaveOutUnusedOnes(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var seed = new AggregateSeed(store.Contexts);
        var geo = await seed.CommunityAsync("geo", "Geosciences");
        var bio = await seed.CommunityAsync("bio", "Biology");
        await seed.CommunityAsync("empty", "Nothing yet");
        await seed
            .Usage(StatScope.Community, geo.Id, s_jun10, views: 5, downloads: 9)
            .Usage(StatScope.Community, geo.Id, s_jun11, views: 1, method: AccessMethod.Machine)
            .Usage(StatScope.Community, bio.Id, s_jun10, views: 8, downloads: 1)
            .Usage(StatScope.Community, bio.Id, s_jun15, views: 100)
            .SaveAsync();
        var usage = new UsageStats(store.Contexts, TimeProvider.System);

        var byViews = await usage.TopCommunitiesAsync(UsageMetric.Views, new Period(s_jun09, s_jun11), 10, Cancellation);
        var byDownloads = await usage.TopCommunitiesAsync(UsageMetric.Downloads, Period.All, 1, Cancellation);

        Assert.Equal([new RankedCommunity("bio", "Biology", 8), new RankedCommunity("geo", "Geosciences", 6)], byViews.Communities);
        Assert.Equal([new RankedCommunity("geo", "Geosciences", 9)], byDownloads.Communities);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task TopOwnersRankTheSumsOfTheirRecordsInThePeriodAndLeaveOutUnusedOnes(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var seed = new AggregateSeed(store.Contexts);
        var ada1 = await seed.RecordAsync("ada-1", owner: "ada");
        var ada2 = await seed.RecordAsync("ada-2", owner: "ada");
        var bob = await seed.RecordAsync("bob-1", owner: "bob");
        await seed.RecordAsync("idle-1", owner: "idle");
        var ownerless = await seed.RecordAsync("nobody-1");
        await seed
            .Usage(StatScope.Record, ada1.Id, s_jun10, views: 1, downloads: 3)
            .Usage(StatScope.Record, ada2.Id, s_jun10, views: 2, downloads: 4)
            .Usage(StatScope.Record, bob.Id, s_jun10, views: 9, downloads: 1)
            .Usage(StatScope.Record, bob.Id, s_jun15, views: 50)
            .Usage(StatScope.Record, ownerless.Id, s_jun10, views: 99)
            .SaveAsync();
        var usage = new UsageStats(store.Contexts, TimeProvider.System);

        var byViews = await usage.TopOwnersAsync(UsageMetric.Views, new Period(s_jun09, s_jun11), 10, Cancellation);
        var byDownloads = await usage.TopOwnersAsync(UsageMetric.Downloads, Period.All, 1, Cancellation);

        Assert.Equal([new RankedOwner("bob", 9), new RankedOwner("ada", 3)], byViews.Owners);
        Assert.Equal([new RankedOwner("ada", 7)], byDownloads.Owners);
    }
}
