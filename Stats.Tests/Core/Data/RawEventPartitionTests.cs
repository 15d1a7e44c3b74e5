using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Stats.Core.Data;
using Stats.Core.Retention;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Data;

/// <summary>Raw events partitioned by month on PostgreSQL (ADR-017): made ahead, made on demand, made by the migration.</summary>
public sealed class RawEventPartitionTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static DateOnly Month(int year, int month) => new(year, month, 1);

    private static async Task<IReadOnlyList<DateOnly>> PartitionsAsync(TestStore store)
    {
        await using var context = store.CreateContext();
        return await RawEventPartitions.ListAsync(context, Cancellation);
    }

    /// <summary>Which partition holds each raw event, by the event's time.</summary>
    private static async Task<Dictionary<DateTime, string>> PartitionOfEachEventAsync(TestStore store)
    {
        await using var connection = new NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync(Cancellation);
        await using var command = new NpgsqlCommand("SELECT \"Timestamp\", tableoid::regclass::text FROM \"RawEvents\"", connection);
        await using var reader = await command.ExecuteReaderAsync(Cancellation);
        var partitions = new Dictionary<DateTime, string>();
        while (await reader.ReadAsync(Cancellation))
        {
            partitions[reader.GetDateTime(0)] = reader.GetString(1).Trim('"');
        }

        return partitions;
    }

    /// <summary>Waits for the service's background work, not for time to pass: the fake clock only moves when told.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, $"Timed out waiting until {what}.");
            await Task.Delay(20, Cancellation);
        }
    }

    [Fact]
    public async Task ThePartitionJobMakesTheCurrentMonthAndTheNextTwoAtStartAndTheNextOneAsTheMonthTurns()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.PostgreSql);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 20, 10, 0, 0, TimeSpan.Zero));
        using var service = new RawEventPartitionService(store.Contexts, clock, NullLogger<RawEventPartitionService>.Instance);

        await service.StartAsync(Cancellation);
        await WaitUntilAsync(async () => (await PartitionsAsync(store)).Count == 3, "three partitions are made");
        Assert.Equal([Month(2026, 12), Month(2027, 1), Month(2027, 2)], await PartitionsAsync(store));

        // Twelve days and six hours on: the job's next run falls in January.
        clock.Advance(TimeSpan.FromDays(12) + TimeSpan.FromHours(6));
        await WaitUntilAsync(async () => (await PartitionsAsync(store)).Count == 4, "March's partition is made");
        await service.StopAsync(Cancellation);

        Assert.Equal([Month(2026, 12), Month(2027, 1), Month(2027, 2), Month(2027, 3)], await PartitionsAsync(store));
    }

    [Fact]
    public async Task EventsOfOldMonthsGetTheirPartitionsOnDemandAndLandInThem()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.PostgreSql);
        await using var ingestion = new IngestionHarness(store);
        var march2019 = new DateTimeOffset(2019, 3, 31, 23, 59, 59, TimeSpan.Zero);
        var june2024 = new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero);

        var result = await ingestion.IngestAsync(TestEvents.View("rec-1", march2019), TestEvents.View("rec-1", june2024), TestEvents.View("rec-2", june2024.AddDays(3)));

        Assert.Equal(3, result.Accepted);
        Assert.Equal([Month(2019, 3), Month(2024, 6)], await PartitionsAsync(store));
        Assert.Equal(
            new Dictionary<DateTime, string>
            {
                [march2019.UtcDateTime] = "RawEvents_2019_03",
                [june2024.UtcDateTime] = "RawEvents_2024_06",
                [june2024.AddDays(3).UtcDateTime] = "RawEvents_2024_06",
            },
            await PartitionOfEachEventAsync(store));
    }

    [Fact]
    public async Task AMonthWhosePartitionWasDroppedBehindTheWritersBackIsMadeAgain()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.PostgreSql);
        await using var ingestion = new IngestionHarness(store);
        var at = new DateTimeOffset(2024, 5, 10, 12, 0, 0, TimeSpan.Zero);
        await ingestion.IngestAsync(TestEvents.View("rec-1", at));
        // Another instance's retention drops May: this process still believes the month has its partition.
        await using (var context = store.CreateContext())
        {
            await context.Database.ExecuteSqlRawAsync("DROP TABLE \"RawEvents_2024_05\"", Cancellation);
        }

        var result = await ingestion.IngestAsync(TestEvents.View("rec-2", at.AddDays(1)));

        Assert.Equal(1, result.Accepted);
        Assert.Equal([Month(2024, 5)], await PartitionsAsync(store));
        await using var after = store.CreateContext();
        Assert.Equal([at.AddDays(1).UtcDateTime], await after.RawEvents.Select(e => e.Timestamp).ToListAsync(Cancellation));
    }

    [Fact]
    public async Task TheMigrationPartitionsAStoreOfThePreviousSchemaAndKeepsEveryRowAndId()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.PostgreSql, migrate: false);
        // A session time zone that is not UTC, as an operator's server may have: it must not move an event into another month.
        var newYork = new StatsDbContextFactory(DatabaseProvider.PostgreSql, store.ConnectionString + ";Timezone=America/New_York");
        await using (var context = newYork.CreateDbContext())
        {
            var migrations = context.Database.GetMigrations().ToList();
            var previous = migrations[migrations.FindIndex(m => m.EndsWith("_Partitions", StringComparison.Ordinal)) - 1];
            await context.GetService<IMigrator>().MigrateAsync(previous, Cancellation);
            // Rows as the previous schema stored them: two months, a gap of ids (a purge), a client id.
            await context.Database.ExecuteSqlRawAsync(
                """
                INSERT INTO "RawEvents" ("Id", "TypeId", "Timestamp", "RecordId", "ClientIdHash", "Traits") OVERRIDING SYSTEM VALUE VALUES
                    (1, 1, '2025-03-31 23:59:59+00', 7, NULL, 0),
                    (2, 1, '2025-04-01 00:00:00+00', 7, 42, 0),
                    (5, 2, '2025-04-30 12:00:00+00', 8, NULL, 1);
                SELECT setval(pg_get_serial_sequence('"RawEvents"', 'Id'), 9);
                """,
                Cancellation);
        }

        await new StoreMigrator(newYork, NullLogger<StoreMigrator>.Instance).MigrateAsync(Cancellation);

        Assert.Equal([Month(2025, 3), Month(2025, 4)], await PartitionsAsync(store));
        await using var after = store.CreateContext();
        var rows = await after.RawEvents.OrderBy(e => e.Id).Select(e => new { e.Id, e.Timestamp, e.RecordId, e.ClientIdHash, e.Traits }).ToListAsync(Cancellation);
        Assert.Equal(
            [
                (1L, new DateTime(2025, 3, 31, 23, 59, 59, DateTimeKind.Utc), (int?)7, (long?)null, EventTraits.None),
                (2L, new DateTime(2025, 4, 1, 0, 0, 0, DateTimeKind.Utc), 7, 42, EventTraits.None),
                (5L, new DateTime(2025, 4, 30, 12, 0, 0, DateTimeKind.Utc), 8, null, EventTraits.Robot),
            ],
            rows.Select(r => (r.Id, r.Timestamp, r.RecordId, r.ClientIdHash, r.Traits)));
        Assert.Equal(["Id", "Timestamp"], await PrimaryKeyColumnsAsync(after));
        // Ids go on from where the old table's identity was, so an id is never given twice.
        await using var ingestion = new IngestionHarness(store, now: new DateTimeOffset(2025, 4, 3, 8, 0, 0, TimeSpan.Zero));
        Assert.Equal(1, (await ingestion.IngestAsync(TestEvents.View("rec-1", new DateTimeOffset(2025, 4, 2, 8, 0, 0, TimeSpan.Zero)))).Accepted);
        Assert.Equal(10, await after.RawEvents.MaxAsync(e => e.Id, Cancellation));
    }

    [Fact]
    public async Task MigratingBackGivesAPlainTableWithEveryRowAndItsId()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.PostgreSql);
        await using (var ingestion = new IngestionHarness(store))
        {
            await ingestion.IngestAsync(
                TestEvents.View("rec-1", new DateTimeOffset(2024, 5, 31, 23, 0, 0, TimeSpan.Zero)), TestEvents.View("rec-2", new DateTimeOffset(2024, 6, 1, 1, 0, 0, TimeSpan.Zero)));
        }

        await using var context = store.CreateContext();
        var before = await context.RawEvents.OrderBy(e => e.Id).Select(e => new { e.Id, e.Timestamp }).ToListAsync(Cancellation);
        var migrations = context.Database.GetMigrations().ToList();
        var previous = migrations[migrations.FindIndex(m => m.EndsWith("_Partitions", StringComparison.Ordinal)) - 1];

        await context.GetService<IMigrator>().MigrateAsync(previous, Cancellation);

        Assert.Empty(await PartitionsAsync(store));
        Assert.Equal(["Id"], await PrimaryKeyColumnsAsync(context));
        var rows = await context.Database.SqlQueryRaw<long>("SELECT \"Id\" AS \"Value\" FROM \"RawEvents\" ORDER BY \"Id\"").ToListAsync(Cancellation);
        Assert.Equal(before.Select(r => r.Id), rows);
    }

    private static Task<List<string>> PrimaryKeyColumnsAsync(StatsDbContext context) =>
        context.Database.SqlQueryRaw<string>(
            """
            SELECT a.attname AS "Value" FROM pg_index i
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
            WHERE i.indrelid = '"RawEvents"'::regclass AND i.indisprimary
            ORDER BY array_position(i.indkey::int2[], a.attnum)
            """).ToListAsync(Cancellation);
}
