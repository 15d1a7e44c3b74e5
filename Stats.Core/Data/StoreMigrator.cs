using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Stats.Core.Data;

/// <summary>Brings the store's schema up to date, and tells how far behind it is.</summary>
public sealed class StoreMigrator(IDbContextFactory<StatsDbContext> contextFactory, ILogger<StoreMigrator> logger)
{
    /// <summary>Applies pending migrations; on SQLite, creates the file's folder first and turns on WAL.</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        if (context.Provider == DatabaseProvider.Sqlite)
        {
            PrepareSqliteFile(context.Database.GetConnectionString()!);
        }

        var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            logger.LogInformation("Applying {Count} migration(s) on {Provider}: {Migrations}", pending.Count, context.Provider, string.Join(", ", pending));
            await context.Database.MigrateAsync(cancellationToken);
        }

        if (context.Provider == DatabaseProvider.Sqlite)
        {
            // WAL lets the dashboard read while ingestion writes; the mode is stored in the file, so once is enough.
            await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        return pending;
    }

    /// <summary>Migrations the database has not applied yet.</summary>
    public async Task<IReadOnlyList<string>> PendingMigrationsAsync(CancellationToken cancellationToken = default)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        return [.. await context.Database.GetPendingMigrationsAsync(cancellationToken)];
    }

    private static void PrepareSqliteFile(string connectionString)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var folder = Path.GetDirectoryName(dataSource);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
    }
}
