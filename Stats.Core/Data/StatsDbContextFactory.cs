using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Stats.Core.Data;

/// <summary>
/// Creates a context of the configured provider per unit of work. Components and services ask for
/// <see cref="IDbContextFactory{StatsDbContext}"/> and never know which provider is behind it.
/// </summary>
public sealed class StatsDbContextFactory : IDbContextFactory<StatsDbContext>
{
    private readonly Func<StatsDbContext> _create;

    public StatsDbContextFactory(DatabaseProvider provider, string connectionString, ILoggerFactory? loggerFactory = null)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _create = provider switch
        {
            DatabaseProvider.Sqlite => Build<SqliteStatsDbContext>(
                b => b.UseSqlite(connectionString), loggerFactory),
            // No retrying execution strategy: it refuses the product's own transactions (ingestion, aggregation, retention
            // each commit as one unit), and an outage is already answered by the callers (StoreOutage: 503, exit code 3),
            // as on the other providers.
            DatabaseProvider.SqlServer => Build<SqlServerStatsDbContext>(
                b => b.UseSqlServer(connectionString, o => o.UseCompatibilityLevel(SqlServerCompatibilityLevel)), loggerFactory),
            DatabaseProvider.PostgreSql => Build<PostgreSqlStatsDbContext>(
                b => b.UseNpgsql(connectionString), loggerFactory),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown database provider."),
        };
    }

    /// <summary>
    /// The SQL Server the product targets: SQL Server 2022 (compatibility level 160). EF Core writes its SQL for this
    /// level, and the tests parse every statement with the T-SQL grammar of this version.
    /// </summary>
    public const int SqlServerCompatibilityLevel = 160;

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    /// <summary>Builds the factory from the settings, resolving the embedded SQLite file under the content root.</summary>
    public static StatsDbContextFactory FromOptions(DatabaseOptions options, string contentRoot, ILoggerFactory? loggerFactory = null)
    {
        var provider = options.GetProvider();
        var connectionString = provider == DatabaseProvider.Sqlite
            ? SqliteConnectionString(options, contentRoot)
            : options.ConnectionString!;
        return new StatsDbContextFactory(provider, connectionString, loggerFactory);
    }

    public StatsDbContext CreateDbContext() => _create();

    private static string SqliteConnectionString(DatabaseOptions options, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(
            string.IsNullOrWhiteSpace(options.ConnectionString) ? "Data Source=stats.db" : options.ConnectionString);
        if (builder.DataSource != ":memory:" && builder.Mode != SqliteOpenMode.Memory && !Path.IsPathRooted(builder.DataSource))
        {
            // A relative file goes under the data folder, itself under the content root: the database must not
            // depend on the directory the dashboard happens to be started from.
            var folder = Path.GetFullPath(Path.Combine(contentRoot, options.DataFolder));
            builder.DataSource = Path.Combine(folder, builder.DataSource);
        }

        return builder.ToString();
    }

    private static Func<StatsDbContext> Build<TContext>(
        Action<DbContextOptionsBuilder<TContext>> configure, ILoggerFactory? loggerFactory)
        where TContext : StatsDbContext
    {
        var builder = new DbContextOptionsBuilder<TContext>();
        configure(builder);
        if (loggerFactory is not null)
        {
            builder.UseLoggerFactory(loggerFactory);
        }

        // Pooled: a context's services are set up once and reset when it is returned, instead of being built for every
        // unit of work (the event writer makes one per group commit: that set-up was 3% of a single-event request's CPU).
        var pool = new PooledDbContextFactory<TContext>(builder.Options);
        return pool.CreateDbContext;
    }
}
