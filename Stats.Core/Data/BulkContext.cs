using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Stats.Core.Data;

/// <summary>
/// A context for a bulk job (an aggregate import, an aggregation run), its connection held open until
/// <see cref="CloseAsync"/>: on SQLite with a big page cache. SQLite's default cache is 2 MiB; a bulk job's writes land on
/// pages all over its tables' keys, and with the default cache most of its time went to reading and writing those pages
/// again through the kernel (an import's profile: 30% kernel, <c>pread</c> and <c>pwrite</c>). The memory is taken only as
/// pages are used.
/// </summary>
internal static class BulkContext
{
    /// <summary>The page cache of a bulk job's SQLite connection, in KiB.</summary>
    internal const int SqliteCacheKiB = 256 * 1024;

    /// <summary>SQLite's default page cache (<c>-2000</c>: 2,000 KiB), which a pooled connection gets back.</summary>
    internal const int SqliteDefaultCacheKiB = 2000;

    public static async Task<StatsDbContext> OpenAsync(IDbContextFactory<StatsDbContext> contexts, CancellationToken cancellationToken)
    {
        var context = await contexts.CreateDbContextAsync(cancellationToken);
        try
        {
            await context.Database.OpenConnectionAsync(cancellationToken);
            if (context.Database.GetDbConnection() is SqliteConnection sqlite)
            {
                CacheSize(sqlite, SqliteCacheKiB);
            }
        }
        catch
        {
            await context.DisposeAsync();
            throw;
        }

        return context;
    }

    /// <summary>Gives the connection back to the pool with SQLite's default page cache (pooled connections keep pragmas).</summary>
    public static async Task CloseAsync(StatsDbContext context)
    {
        if (context.Database.GetDbConnection() is SqliteConnection { State: System.Data.ConnectionState.Open } sqlite)
        {
            CacheSize(sqlite, SqliteDefaultCacheKiB);
        }

        await context.DisposeAsync();
    }

    private static void CacheSize(SqliteConnection connection, int kib)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA cache_size = -{kib}";
        command.ExecuteNonQuery();
    }
}
