using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;
using Stats.Core.Ingestion;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Ingestion;

public sealed class DailySaltStoreTests
{
    private static readonly DateTimeOffset s_monday = new(2024, 6, 17, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static long Reference(byte[] salt, string value) => BitConverter.ToInt64(HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(value)), 0);

    [Fact]
    public void HashIsTheStartOfTheHmacSha256UnderEachSaltWhateverSaltWasUsedBefore()
    {
        byte[] monday = RandomNumberGenerator.GetBytes(32), tuesday = RandomNumberGenerator.GetBytes(32);
        var longValue = "a|2001:db8::1|" + new string('é', 1_500);

        foreach (var (salt, value) in new[] { (monday, "u|alice"), (tuesday, "u|alice"), (monday, "u|alice"), (tuesday, longValue), ([.. monday], "s|x") })
        {
            Assert.Equal(Reference(salt, value), DailySaltStore.Hash(salt, value));
        }
    }

    [Fact]
    public async Task HashIsTheSameOnEveryThread()
    {
        var salt = RandomNumberGenerator.GetBytes(32);
        var values = Enumerable.Range(0, 2_000).Select(i => $"a|203.0.113.{i % 256}|agent {i}").ToArray();

        var hashes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => values.Select(v => DailySaltStore.Hash(salt, v)).ToArray())));

        var expected = values.Select(v => Reference(salt, v)).ToArray();
        Assert.All(hashes, h => Assert.Equal(expected, h));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ASaltIsDestroyedOnceItsDayAndTheGracePeriodAreOver(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store, now: s_monday);
        await ingestion.IngestAsync(TestEvents.View("rec-1", s_monday, userId: "alice"));

        // Tuesday: Monday's salt is still in its grace period (one day by default).
        ingestion.Clock.SetUtcNow(s_monday.AddDays(1).AddHours(10));
        await ingestion.IngestAsync(TestEvents.View("rec-1", s_monday.AddDays(1), userId: "alice"));
        Assert.Empty(await ingestion.Salts.DestroyExpiredAsync(Cancellation));

        // Wednesday 00:00: Monday plus one day of grace is over.
        ingestion.Clock.SetUtcNow(new DateTimeOffset(2024, 6, 19, 0, 0, 0, TimeSpan.Zero));
        var destroyed = await ingestion.Salts.DestroyExpiredAsync(Cancellation);

        Assert.Equal([new DateOnly(2024, 6, 17)], destroyed);
        await using var context = store.CreateContext();
        Assert.Equal([new DateOnly(2024, 6, 18)], await context.DailySalts.Select(s => s.Day).ToListAsync(Cancellation));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ALateDaysSaltIsStoredOnceAndSharedByEveryIngestorOfTheStore(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        // Three instances (or an import resumed in another process), long after Monday's own salt was destroyed.
        var later = s_monday.AddDays(30);
        await using var first = new IngestionHarness(store, now: later);
        await using var second = new IngestionHarness(store, now: later);
        await using var third = new IngestionHarness(store, now: later);
        IngestionHarness[] instances = [first, second, third];

        // Nine sessions, each viewing rec-1 once through every instance, minutes apart: 27 views, 9 unique.
        for (var i = 0; i < instances.Length; i++)
        {
            var views = Enumerable.Range(0, 9).Select(s => TestEvents.View("rec-1", s_monday.AddMinutes(10 * i + s), sessionId: $"session-{s}", ip: null, userAgent: null));
            await instances[i].IngestAsync([.. views]);
        }

        await first.AggregateAsync();
        await using var context = store.CreateContext();
        var salt = Assert.Single(await context.DailySalts.ToListAsync(Cancellation));
        Assert.Equal((DateOnly.FromDateTime(s_monday.UtcDateTime), true), (salt.Day, salt.Late));
        var stat = await AggregateReader.RecordAsync(context, "rec-1", DateOnly.FromDateTime(s_monday.UtcDateTime));
        Assert.Equal((27, 9), (stat.Views, stat.UniqueViews));
    }

    [Fact]
    public async Task ALateSaltLivesWhileItsDayIsFilledAndAggregatedAndIsDestroyedAGracePeriodAfter()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store, now: s_monday.AddDays(30));
        var day = DateOnly.FromDateTime(s_monday.UtcDateTime);
        await ingestion.IngestAsync(TestEvents.View("rec-1", s_monday, userId: "alice"));

        // Waiting for aggregation, then aggregated a moment ago: kept, so a resumed import hashes alike.
        Assert.Empty(await ingestion.Salts.DestroyExpiredAsync(Cancellation));
        await ingestion.AggregateAsync();
        ingestion.Clock.Advance(TimeSpan.FromHours(23));
        Assert.Empty(await ingestion.Salts.DestroyExpiredAsync(Cancellation));
        await ingestion.IngestAsync(TestEvents.View("rec-1", s_monday.AddHours(1), userId: "alice"));
        await ingestion.AggregateAsync();

        // A grace period (one day) after the last aggregation of the day: destroyed, like any day's salt.
        ingestion.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal([day], await ingestion.Salts.DestroyExpiredAsync(Cancellation));

        await ingestion.IngestAsync(TestEvents.View("rec-1", s_monday.AddHours(2), userId: "alice"));
        await using var context = store.CreateContext();
        var hashes = await context.RawEvents.OrderBy(e => e.Timestamp).Select(e => e.VisitorHash).ToListAsync(Cancellation);
        Assert.Equal(hashes[0], hashes[1]);
        Assert.NotEqual(hashes[1], hashes[2]);
    }
}
