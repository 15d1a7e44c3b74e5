using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Stats.Core.Data;
using Stats.Core.Import.Aggregates;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Import;

/// <summary>The connection an aggregate import holds: a big SQLite page cache while it runs, the default one after.</summary>
public sealed class ImportedAggregateWriterTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnImportHasABigPageCacheAndGivesItsPooledConnectionBackWithTheDefaultOne()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var writer = new ImportedAggregateWriter(store.Contexts, new FakeTimeProvider(IngestionHarness.DefaultNow));

        var import = await writer.OpenAsync(Cancellation);
        var importHandle = Connection(import).Handle!.DangerousGetHandle();
        Assert.Equal(-ImportedAggregateWriter.SqliteCacheKiB, CacheSize(Connection(import)));
        await ImportedAggregateWriter.CloseAsync(import);

        await using var next = store.CreateContext();
        await next.Database.OpenConnectionAsync(Cancellation);
        // The pool hands out the import's SQLite connection again: the pragma would have stayed with it.
        Assert.Equal(importHandle, Connection(next).Handle!.DangerousGetHandle());
        Assert.Equal(-2000, CacheSize(Connection(next)));
    }

    private static SqliteConnection Connection(StatsDbContext context) => (SqliteConnection)context.Database.GetDbConnection();

    private static long CacheSize(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA cache_size";
        return (long)command.ExecuteScalar()!;
    }
}
