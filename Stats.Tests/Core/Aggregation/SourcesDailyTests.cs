using Microsoft.EntityFrameworkCore;
using Stats.Core.Aggregation;
using Stats.Core.Data;
using Stats.Core.Events;
using Stats.Core.Ingestion;
using Stats.Core.Queries;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Aggregation;

/// <summary>The daily sources aggregate (issue 15 part 4): referrer hosts and organisations, counted as usage is.</summary>
public sealed class SourcesDailyTests
{
    private static readonly DateTimeOffset s_noon = new(2024, 6, 15, 12, 0, 0, TimeSpan.Zero);
    private const string Cern = "AS513 CERN - European Organization for Nuclear Research";
    private const string CernIp = "137.138.62.1";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ReferrersCountAsUsageDoesWithoutRobotsOrDoubleClicks(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync(
            TestEvents.Published("rec-1", s_noon.AddDays(-10), communities: ["hep"]),
            TestEvents.Published("rec-2", s_noon.AddDays(-10), communities: ["hep"]),
            // reader-1 clicks the download twice in 10 s: one download. Their view comes from the same search.
            Referred(TestEvents.View("rec-1", s_noon, userId: "reader-1"), "https://scholar.google.com/scholar?q=muon"),
            Referred(TestEvents.Download("rec-1", "a.csv", s_noon.AddMinutes(1), userId: "reader-1"), "https://scholar.google.com/scholar?q=muon"),
            Referred(TestEvents.Download("rec-1", "a.csv", s_noon.AddMinutes(1).AddSeconds(10), userId: "reader-1"), "https://scholar.google.com/scholar?q=muon"),
            Referred(TestEvents.View("rec-1", s_noon.AddMinutes(2), userId: "reader-2"), "https://en.wikipedia.org/wiki/Muon"),
            Referred(TestEvents.View("rec-2", s_noon.AddMinutes(3), userId: "reader-3"), "https://en.wikipedia.org/wiki/Higgs_boson"),
            // A crawler with a referrer is stored, never counted; a view without a referrer counts in no host.
            Referred(TestEvents.View("rec-1", s_noon.AddMinutes(4), userAgent: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"), "https://www.google.com/"),
            TestEvents.View("rec-1", s_noon.AddMinutes(5), userId: "reader-4"));

        await ingestion.AggregateAsync();

        var registry = TestStats.Registry(store);
        var record = await registry.RunAsync<SourceRanking>("referrers", ("recid", "rec-1"));
        Assert.Equal(
            [new SourceBucket("scholar.google.com", 1, 1), new SourceBucket("en.wikipedia.org", 1, 0)],
            record.Buckets);
        Assert.Equal(SourceCounts.Zero, record.Other);
        var community = await registry.RunAsync<SourceRanking>("referrers", ("community", "hep"));
        Assert.Equal([new SourceBucket("en.wikipedia.org", 2, 0), new SourceBucket("scholar.google.com", 1, 1)], community.Buckets);
        var repository = await registry.RunAsync<SourceRanking>("referrers");
        Assert.Equal(community.Buckets, repository.Buckets);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ARecordsDayKeepsItsTwentyTopHostsAndSumsTheRestAsOther(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        var events = new List<IncomingEvent> { TestEvents.Published("rec-1", s_noon.AddDays(-10)) };
        // Host k sends k + 1 readers: hosts 5..24 are the top 20, hosts 0..4 (1 + 2 + 3 + 4 + 5 = 15 views) are other.
        for (var k = 0; k < 25; k++)
        {
            for (var reader = 0; reader <= k; reader++)
            {
                events.Add(Referred(TestEvents.View("rec-1", s_noon.AddSeconds(k * 100 + reader), userId: $"r-{k}-{reader}"), $"https://site{k}.example.org/page?x={reader}"));
            }
        }

        await ingestion.IngestAsync([.. events]);
        await ingestion.AggregateAsync();

        await using (var context = store.CreateContext())
        {
            var rows = await context.SourceDailyStats.Where(s => s.Kind == SourceKind.Referrer && s.Scope == StatScope.Record).ToListAsync(Cancellation);
            Assert.Equal(SourcesDaily.TopPerScope + 1, rows.Count);
            Assert.Equal(15, rows.Single(r => r.LabelId == SourceDailyStat.Other).Views);
        }

        var ranking = await TestStats.Registry(store).RunAsync<SourceRanking>("referrers", ("recid", "rec-1"), ("size", "3"));
        Assert.Equal(["site24.example.org", "site23.example.org", "site22.example.org"], ranking.Buckets.Select(b => b.Key));
        Assert.Equal([25L, 24L, 23L], ranking.Buckets.Select(b => b.Views));
        // Every view of the day is in a bucket or in other: 1 + 2 + ... + 25.
        Assert.Equal(325, ranking.Buckets.Sum(b => b.Views) + ranking.Other.Views);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AggregatingADayAgainReplacesItsSourceRows(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync(
            TestEvents.Published("rec-1", s_noon.AddDays(-10)),
            Referred(TestEvents.View("rec-1", s_noon, userId: "reader-1"), "https://en.wikipedia.org/wiki/Muon"));
        await ingestion.AggregateAsync();

        await ingestion.IngestAsync(Referred(TestEvents.View("rec-1", s_noon.AddHours(1), userId: "reader-2"), "https://en.wikipedia.org/wiki/Higgs_boson"));
        await ingestion.AggregateAsync();

        var ranking = await TestStats.Registry(store).RunAsync<SourceRanking>("referrers", ("recid", "rec-1"));
        Assert.Equal([new SourceBucket("en.wikipedia.org", 2, 0)], ranking.Buckets);
        await using var context = store.CreateContext();
        Assert.Equal(2, await context.SourceDailyStats.CountAsync(s => s.Kind == SourceKind.Referrer && s.Scope == StatScope.Record, Cancellation) +
            await context.SourceDailyStats.CountAsync(s => s.Kind == SourceKind.Referrer && s.Scope == StatScope.Repository, Cancellation));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ACommunitysOrganisationsAreItsCountedVisitorsNetworks(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync(
            TestEvents.Published("rec-1", s_noon.AddDays(-10), communities: ["hep"]),
            TestEvents.Published("rec-2", s_noon.AddDays(-10), communities: ["climate"]),
            TestEvents.Download("rec-1", "a.csv", s_noon, userId: "physicist", ip: CernIp),
            TestEvents.Download("rec-1", "a.csv", s_noon.AddSeconds(5), userId: "physicist", ip: CernIp),
            TestEvents.View("rec-1", s_noon.AddMinutes(1), userId: "physicist", ip: CernIp),
            TestEvents.View("rec-1", s_noon.AddMinutes(2), userId: "someone"),
            // Private addresses belong to no organisation; another community's readers are not hep's.
            TestEvents.View("rec-1", s_noon.AddMinutes(3), userId: "intranet", ip: "10.1.2.3"),
            TestEvents.View("rec-2", s_noon.AddMinutes(4), userId: "climatologist", ip: CernIp));

        await ingestion.AggregateAsync();

        var ranking = await TestStats.Registry(store).RunAsync<SourceRanking>("organisations", ("community", "hep"));
        Assert.Equal(2, ranking.Buckets.Count);
        Assert.Equal(new SourceBucket(Cern, 1, 1), ranking.Buckets[0]);
        Assert.StartsWith("AS15169 ", ranking.Buckets[1].Key, StringComparison.Ordinal);
        Assert.Equal((1L, 0L), (ranking.Buckets[1].Views, ranking.Buckets[1].Downloads));
    }

    [Fact]
    public async Task ReferrersOfARecordAndACommunityAtOnceAreRefused()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var error = await Assert.ThrowsAsync<StatQueryException>(() => TestStats.Registry(store).RunAsync<SourceRanking>("referrers", ("recid", "rec-1"), ("community", "hep")));
        Assert.Contains("not both", error.Message, StringComparison.Ordinal);
    }

    private static IncomingEvent Referred(IncomingEvent e, string referrer) => new()
    {
        Type = e.Type, Timestamp = e.Timestamp, Recid = e.Recid, FileKey = e.FileKey, Size = e.Size, UserId = e.UserId, SessionId = e.SessionId,
        IpAddress = e.IpAddress, UserAgent = e.UserAgent, Referrer = referrer,
    };
}
