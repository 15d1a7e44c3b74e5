using Stats.Core.Data;
using Stats.Core.Queries;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Queries;

public sealed class SipStoreStatsTests
{
    private static readonly DateOnly s_jun10 = new(2024, 6, 10);
    private static readonly DateOnly s_jun11 = new(2024, 6, 11);
    private static readonly DateOnly s_jun12 = new(2024, 6, 12);

    private static DateTime Utc(int day, int hour, int minute = 0, int second = 0) => new(2024, 6, day, hour, minute, second, DateTimeKind.Utc);

    private static async Task<StatRegistry> SeedAsync(TestStore store)
    {
        await using var seed = new AggregateSeed(store.Contexts);
        var hep = await seed.CommunityAsync("hep");
        var a = await seed.RecordAsync("a", communities: [hep]);
        var b = await seed.RecordAsync("b", communities: [hep]);
        await seed.RecordAsync("d", communities: [hep]);
        var c = await seed.RecordAsync("c");
        var s1 = await seed.LabelAsync(LabelKind.Sip, "sip-1");
        var s2 = await seed.LabelAsync(LabelKind.Sip, "sip-2");
        var s3 = await seed.LabelAsync(LabelKind.Sip, "sip-3");
        var s4 = await seed.LabelAsync(LabelKind.Sip, "sip-4");
        await seed
            .Activity(Activity.SipCreated, hep.Id, s_jun10, 2, amount: 2000)
            .Activity(Activity.SipSent, hep.Id, s_jun11, 2)
            .Activity(Activity.SipSucceeded, hep.Id, s_jun11, 1)
            .Activity(Activity.SipFailed, hep.Id, s_jun11, 1)
            .Activity(Activity.SipCreated, 0, s_jun10, 3, amount: 3000)
            .Activity(Activity.SipSent, 0, s_jun11, 2)
            .Activity(Activity.SipSent, 0, s_jun12, 1)
            .Activity(Activity.SipSucceeded, 0, s_jun11, 1)
            .Activity(Activity.SipSucceeded, 0, s_jun12, 1)
            .Activity(Activity.SipFailed, 0, s_jun11, 1)
            .Activity(Activity.SipCreated, 0, new DateOnly(2024, 6, 20), 1, amount: 10)
            .Activity(Activity.ArchiveSize, 0, new DateOnly(2024, 6, 5), 1, amount: 1000)
            .Activity(Activity.ArchiveSize, 0, s_jun10, 2, amount: 5000)
            .Activity(Activity.ArchiveSize, 0, s_jun12, 1, amount: 7000)
            .Activity(Activity.ArchiveSize, hep.Id, s_jun10, 1, amount: 4000)
            // 100 s, failed after 300 s, 10 s; sip-4 is created after the period and not sent yet.
            .Sip(s1, a, hep, created: Utc(10, 8), sent: Utc(11, 10), processed: Utc(11, 10, 1, 40), succeeded: true, size: 1000)
            .Sip(s2, b, hep, created: Utc(10, 9), sent: Utc(11, 10), processed: Utc(11, 10, 5), succeeded: false, size: 1000)
            .Sip(s3, c, created: Utc(10, 9), sent: Utc(12, 12), processed: Utc(12, 12, 0, 10), succeeded: true, size: 1000)
            .Sip(s4, a, hep, created: Utc(20, 8))
            .SaveAsync();
        return TestStats.Registry(store);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task TheSummaryCountsSipsCoverageDelaysAndTheArchiveSize(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var stats = await SeedAsync(store);

        var repository = await stats.RunAsync<SipStoreSummary>("sipstore-summary", ("start_date", "2024-06-10"), ("end_date", "2024-06-14"));
        var hep = await stats.RunAsync<SipStoreSummary>("sipstore-summary", ("community", "hep"), ("start_date", "2024-06-10"), ("end_date", "2024-06-14"));
        var firstDay = await stats.RunAsync<SipStoreSummary>("sipstore-summary", ("end_date", "2024-06-10"));

        // Records a, b, c of 4 live records; delays 10, 100 and 300 s: mean 136.667, nearest-rank p95 the third.
        Assert.Equal(new SipStoreSummary(3, 3, 2, 1, 3, 4, 75, 136.667, 300, 7000), repository);
        // a and b of hep's 3 records (2/3); delays 100 and 300 s.
        Assert.Equal(new SipStoreSummary(2, 2, 1, 1, 2, 3, 66.67, 200, 300, 4000), hep);
        // Up to the 10th: created, none processed yet, the 10th's last snapshot.
        Assert.Equal(new SipStoreSummary(3, 0, 0, 0, 3, 4, 75, null, null, 5000), firstDay);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task FailuresListTheFailedSipsOfThePeriodWithTheirRecord(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var stats = await SeedAsync(store);

        var failures = await stats.RunAsync<SipFailures>("sipstore-failures", ("community", "hep"));
        var none = await stats.RunAsync<SipFailures>("sipstore-failures", ("start_date", "2024-06-12"));

        var failure = Assert.Single(failures.Buckets);
        Assert.Equal(("sip-2", "b", Utc(11, 10, 5)), (failure.SipId, failure.Recid, failure.ProcessedAt));
        Assert.Equal(DateTimeKind.Utc, failure.ProcessedAt!.Value.Kind);
        Assert.Empty(none.Buckets);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task TheArchiveSizeHistogramKeepsThePeriodsLastSnapshotAndCarriesItForward(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var stats = await SeedAsync(store);

        var daily = await stats.RunAsync<Histogram<ArchiveSize>>("sipstore-archive-size-histogram", ("start_date", "2024-06-09"), ("end_date", "2024-06-13"));
        var weekly = await stats.RunAsync<Histogram<ArchiveSize>>("sipstore-archive-size-histogram", ("start_date", "2024-06-01"), ("end_date", "2024-06-16"), ("interval", "week"));
        var hep = await stats.RunAsync<Histogram<ArchiveSize>>("sipstore-archive-size-histogram", ("community", "hep"), ("end_date", "2024-06-11"));

        Assert.Equal([1000L, 5000, 5000, 7000, 7000], daily.Buckets.Select(b => b.Values.Bytes));
        Assert.Equal(
            [(new DateOnly(2024, 5, 27), 0L), (new DateOnly(2024, 6, 3), 1000), (s_jun10, 7000)],
            weekly.Buckets.Select(b => (b.Date, b.Values.Bytes)));
        Assert.Equal([(s_jun10, 4000L), (s_jun11, 4000)], hep.Buckets.Select(b => (b.Date, b.Values.Bytes)));
    }
}
