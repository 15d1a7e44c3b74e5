using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Data;

/// <summary>The connection a bulk job (an aggregate import, an aggregation run) holds: a big SQLite page cache while it runs, the default one after.</summary>
public sealed class BulkContextTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ABulkJobHasABigPageCacheAndGivesItsPooledConnectionBackWithTheDefaultOne()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);

        var bulk = await BulkContext.OpenAsync(store.Contexts, Cancellation);
        var bulkHandle = Connection(bulk).Handle!.DangerousGetHandle();
        Assert.Equal(-BulkContext.SqliteCacheKiB, CacheSize(Connection(bulk)));
        await BulkContext.CloseAsync(bulk);

        await using var next = store.CreateContext();
        await next.Database.OpenConnectionAsync(Cancellation);
        // The pool hands out the bulk job's SQLite connection again: the pragma would have stayed with it.
        Assert.Equal(bulkHandle, Connection(next).Handle!.DangerousGetHandle());
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
