using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Stats.Core.Data;
using Stats.Core.Ingestion;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Ingestion;

/// <summary>
/// Several instances write to one PostgreSQL store: a writer that loses the race for a new catalog row (another
/// instance created the same record between its look-up and its insert) stores its batch all the same, once.
/// </summary>
public sealed class SeveralWritersTests
{
    private static readonly DateTimeOffset s_day = new(2024, 6, 15, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AWriterThatLosesTheRaceForANewRecordStoresItsBatchOnTheRecordTheOtherInstanceCreated()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.PostgreSql);
        await using var first = new IngestionHarness(store);
        // The second instance's writer lets the first one commit the same new record just before its own insert of it.
        var interleave = new BeforeFirstRecordInsert(() => first.IngestAsync(TestEvents.View("rec-1", s_day), TestEvents.Published("rec-2", s_day)));
        await using var second = new EventWriter(new InterceptedContexts(store.ConnectionString, interleave), first.Clock, NullLogger<EventWriter>.Instance);
        var ingestor = first.CreateIngestor(second);

        var result = await ingestor.IngestAsync(
            [TestEvents.View("rec-1", s_day.AddMinutes(1)), TestEvents.View("rec-2", s_day.AddMinutes(2)), TestEvents.View("rec-3", s_day.AddMinutes(3))],
            Cancellation);

        Assert.True(interleave.Ran, "The other instance's batch did not run between the look-up and the insert.");
        Assert.Equal(3, result.Accepted);
        await using var context = store.CreateContext();
        var records = await context.Records.OrderBy(r => r.ExternalId).Select(r => new { r.ExternalId, r.Id }).ToListAsync(Cancellation);
        Assert.Equal(["rec-1", "rec-2", "rec-3"], records.Select(r => r.ExternalId));
        var perRecord = await context.RawEvents.GroupBy(e => e.RecordId).Select(g => new { RecordId = g.Key, Count = g.Count() }).ToListAsync(Cancellation);
        Assert.Equal(
            [("rec-1", 2), ("rec-2", 2), ("rec-3", 1)],
            records.Select(r => (r.ExternalId, perRecord.Single(p => p.RecordId == r.Id).Count)));
    }

    /// <summary>Runs <paramref name="other"/> to its end when the first INSERT into Records is about to run, once.</summary>
    private sealed class BeforeFirstRecordInsert(Func<Task> other) : DbCommandInterceptor
    {
        public bool Ran { get; private set; }

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (!Ran && command.CommandText.Contains("INSERT INTO \"Records\"", StringComparison.Ordinal))
            {
                Ran = true;
                await other();
            }

            return result;
        }
    }

    private sealed class InterceptedContexts(string connectionString, IInterceptor interceptor) : IDbContextFactory<StatsDbContext>
    {
        public StatsDbContext CreateDbContext() =>
            new PostgreSqlStatsDbContext(new DbContextOptionsBuilder<PostgreSqlStatsDbContext>().UseNpgsql(connectionString).AddInterceptors(interceptor).Options);
    }
}
