using Stats.Core.Data;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Aggregation;

/// <summary>The test vectors of docs/domain/counting.md again, this time through ingestion (salted hashes, real store) and the aggregator.</summary>
public sealed class CounterVectorsEndToEndTests
{
    private static readonly DateTimeOffset s_noon = new(2024, 6, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly s_day = new(2024, 6, 15);
    private static readonly int[] s_hours = [12, 13, 14, 15];
    private static readonly int[] s_minutes = [10, 20, 30];

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task TwelveDownloadsOfOneFileByOneUserInFourHoursGiveTwelveFourAnd108000Bytes(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        var downloads = from hour in s_hours
                        from minute in s_minutes
                        select TestEvents.Download("rec-1", "data.bin", new DateTimeOffset(2024, 6, 15, hour, minute, 0, TimeSpan.Zero), size: 9000, userId: "user-1");
        await ingestion.IngestAsync([.. downloads]);

        await ingestion.AggregateAsync();

        await using var context = store.CreateContext();
        var stat = await AggregateReader.RecordAsync(context, "rec-1", s_day);
        Assert.Equal((12, 4, 108_000L), (stat.Downloads, stat.UniqueDownloads, stat.Volume));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task CounterAuditCaseGives45RequestsAnd30UniqueItems(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        var events = new List<Stats.Core.Ingestion.IncomingEvent>();
        for (var pair = 0; pair < 30; pair++)
        {
            var start = s_noon.AddMinutes(pair * 5);
            var gap = pair < 15 ? 10 : 40;
            events.Add(TestEvents.Download("rec-1", "paper.pdf", start, sessionId: $"session-{pair}"));
            events.Add(TestEvents.Download("rec-1", "paper.pdf", start.AddSeconds(gap), sessionId: $"session-{pair}"));
        }

        await ingestion.IngestAsync([.. events]);
        await ingestion.AggregateAsync();

        await using var context = store.CreateContext();
        var stat = await AggregateReader.RecordAsync(context, "rec-1", s_day);
        Assert.Equal((45, 45, 30, 30), (stat.Investigations, stat.Downloads, stat.UniqueInvestigations, stat.UniqueDownloads));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public async Task DoubleClickVectorsHoldThroughTheStore(DatabaseProvider provider, int[] seconds, int views)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync([.. seconds.Select(s => TestEvents.View("rec-1", s_noon.AddSeconds(s), ip: "192.1.1.168"))]);

        await ingestion.AggregateAsync();

        await using var context = store.CreateContext();
        Assert.Equal(views, (await AggregateReader.RecordAsync(context, "rec-1", s_day)).Views);
    }

    public static TheoryData<DatabaseProvider, int[], int> Vectors()
    {
        var data = new TheoryData<DatabaseProvider, int[], int>();
        foreach (var provider in new[] { DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql })
        {
            data.Add(provider, [0, 29], 1);
            data.Add(provider, [0, 30], 1);
            data.Add(provider, [0, 35], 2);
            data.Add(provider, [0, 20, 45], 1);
            data.Add(provider, [0, 31, 62], 3);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task APairAcrossMidnightCountsOnTheDayOfTheKeptClickAlthoughTheDaysHaveDifferentSalts(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        var midnight = new DateTimeOffset(2024, 6, 16, 0, 0, 0, TimeSpan.Zero);
        await ingestion.IngestAsync(
            TestEvents.View("rec-1", midnight.AddSeconds(-10), userId: "user-1"),
            TestEvents.View("rec-1", midnight.AddSeconds(10), userId: "user-1"),
            // Another user just before midnight, whose click the next day does not close.
            TestEvents.View("rec-1", midnight.AddSeconds(-5), userId: "user-2"));

        await ingestion.AggregateAsync();

        await using var context = store.CreateContext();
        Assert.Equal(1, (await AggregateReader.RecordAsync(context, "rec-1", new DateOnly(2024, 6, 15))).Views);
        Assert.Equal(1, (await AggregateReader.RecordAsync(context, "rec-1", new DateOnly(2024, 6, 16))).Views);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task RobotsAreExcludedAndMachinesCountedApart(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync(
            TestEvents.Download("rec-1", "a.csv", s_noon, ip: "8.8.8.8"),
            TestEvents.Download("rec-1", "a.csv", s_noon.AddMinutes(1), ip: "8.8.4.4"),
            TestEvents.Download("rec-1", "a.csv", s_noon.AddMinutes(2), userAgent: "Googlebot/2.1 (+http://www.google.com/bot.html)"),
            TestEvents.Download("rec-1", "a.csv", s_noon.AddMinutes(3), userAgent: "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"),
            TestEvents.Download("rec-1", "a.csv", s_noon.AddMinutes(4), userAgent: "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)"),
            TestEvents.Download("rec-1", "a.csv", s_noon.AddMinutes(5), userAgent: "curl/8.5.0"));

        await ingestion.AggregateAsync();

        await using var context = store.CreateContext();
        Assert.Equal(2, (await AggregateReader.RecordAsync(context, "rec-1", s_day)).Downloads);
        Assert.Equal(1, (await AggregateReader.RecordAsync(context, "rec-1", s_day, AccessMethod.Machine)).Downloads);
        Assert.Equal(2, (await AggregateReader.RepositoryAsync(context, s_day)).Downloads);
        Assert.Equal(1, (await AggregateReader.RepositoryAsync(context, s_day, AccessMethod.Machine)).Downloads);
    }
}
