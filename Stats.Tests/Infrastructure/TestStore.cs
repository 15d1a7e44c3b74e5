using Microsoft.Extensions.Logging.Abstractions;
using Stats.Core.Data;

namespace Stats.Tests.Infrastructure;

/// <summary>
/// A fresh database of one provider for one test, deleted when the test ends. Use it with
/// <c>[Theory, MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]</c> so that the same test
/// runs on every provider that has a real server here:
/// <code>await using var store = await TestStore.CreateAsync(provider);</code>
/// </summary>
public abstract class TestStore : IAsyncDisposable
{
    protected TestStore(DatabaseProvider provider, string connectionString)
    {
        Contexts = new StatsDbContextFactory(provider, connectionString);
    }

    public DatabaseProvider Provider => Contexts.Provider;

    public string ConnectionString => Contexts.ConnectionString;

    /// <summary>What the product's services take: a factory of contexts on this database.</summary>
    public StatsDbContextFactory Contexts { get; }

    /// <summary>A fresh database; migrated with the product's <see cref="StoreMigrator"/> unless <paramref name="migrate"/> is false.</summary>
    public static async Task<TestStore> CreateAsync(DatabaseProvider provider, bool migrate = true)
    {
        TestStore store = provider switch
        {
            DatabaseProvider.Sqlite => new SqliteTestStore(),
            DatabaseProvider.PostgreSql => await PostgreSqlTestStore.CreateAsync(),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "No test server for this provider: SQL Server is covered by translation tests."),
        };

        if (migrate)
        {
            await store.Migrator().MigrateAsync(TestContext.Current.CancellationToken);
        }

        return store;
    }

    public StatsDbContext CreateContext() => Contexts.CreateDbContext();

    public StoreMigrator Migrator() => new(Contexts, NullLogger<StoreMigrator>.Instance);

    public abstract ValueTask DisposeAsync();
}

/// <summary>The providers a store test runs on: SQLite always, PostgreSQL when a server is given (or under CI, where it must be).</summary>
public static class StoreProviders
{
    public static TheoryData<DatabaseProvider> All => [DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql];
}
