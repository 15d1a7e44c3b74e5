using System.Net;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Stats.Core.Data;
using Stats.Core.Queries;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Data;

public sealed class StoreOutageTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static TheoryData<string, Exception> Outages => new()
    {
        { "SQLite busy", new SqliteException("database is locked", 5) },
        { "SQLite locked table", new SqliteException("database table is locked", 6) },
        { "SQLite disk full", new SqliteException("database or disk is full", 13) },
        { "SQLite read-only", new SqliteException("attempt to write a readonly database", 8) },
        { "SQLite cannot open", new SqliteException("unable to open database file", 14) },
        { "SQLite busy, extended code (busy snapshot)", new SqliteException("database is locked", 517) },
        { "PostgreSQL shut down by an administrator", new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01") },
        { "PostgreSQL too many connections", new PostgresException("sorry, too many clients already", "FATAL", "FATAL", "53300") },
        { "PostgreSQL disk full", new PostgresException("could not extend file", "ERROR", "ERROR", "53100") },
        { "PostgreSQL read-only", new PostgresException("cannot execute INSERT in a read-only transaction", "ERROR", "ERROR", "25006") },
        { "PostgreSQL unreachable", new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused)) },
        { "a timeout", new TimeoutException("The operation has timed out.") },
        { "EF's retries exhausted", new RetryLimitExceededException("Maximum number of retries (6) exceeded", new TimeoutException()) },
        { "a failed SaveChanges over a locked store", new DbUpdateException("An error occurred while saving the entity changes.", new SqliteException("database is locked", 5)) },
        { "EF's transient-failure wrapper over PostgreSQL going down", new InvalidOperationException("An exception has been raised that is likely due to a transient failure.", new PostgresException("the database system is shutting down", "FATAL", "FATAL", "57P03")) },
    };

    public static TheoryData<string, Exception> NotOutages => new()
    {
        { "a SQLite constraint violated", new SqliteException("UNIQUE constraint failed: Records.ExternalId", 19) },
        { "a SQLite table missing", new SqliteException("no such table: Records", 1) },
        { "a PostgreSQL unique violation", new PostgresException("duplicate key value violates unique constraint", "ERROR", "ERROR", "23505") },
        { "a PostgreSQL relation missing", new PostgresException("relation \"Records\" does not exist", "ERROR", "ERROR", "42P01") },
        { "a failed SaveChanges over a constraint", new DbUpdateException("An error occurred while saving the entity changes.", new SqliteException("UNIQUE constraint failed", 19)) },
        { "a query EF cannot translate", new InvalidOperationException("The LINQ expression could not be translated.") },
        { "a bad query", new StatQueryException("Parameter 'recid' is required.") },
        { "a bug", new ArgumentOutOfRangeException("day") },
    };

    [Theory]
    [MemberData(nameof(Outages))]
    public void AnUnreachableBusyFullOrReadOnlyStoreIsAnOutage(string what, Exception exception)
    {
        Assert.True(StoreOutage.IsOutage(exception), what);
    }

    [Theory]
    [MemberData(nameof(NotOutages))]
    public void BugsAndBadRequestsAreNotOutages(string what, Exception exception)
    {
        Assert.False(StoreOutage.IsOutage(exception), what);
    }

    [Fact]
    public async Task APostgreSqlServerThatRefusesTheConnectionIsAnOutage()
    {
        // A port that was just free: nothing listens there, so the connection is refused.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=stats;Password=x;Timeout=5;Pooling=false");

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => connection.OpenAsync(Cancellation));

        Assert.True(StoreOutage.IsOutage(refused), refused.ToString());
    }

    [Fact]
    public async Task ASqliteWriteThatWaitsPastItsTimeoutForALockIsAnOutageDescribedInOneLine()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var connectionString = store.ConnectionString + ";Default Timeout=1;Pooling=False";
        await using var holder = new SqliteConnection(connectionString);
        await holder.OpenAsync(Cancellation);
        await using (var begin = holder.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE";
            await begin.ExecuteNonQueryAsync(Cancellation);
        }

        await using var writer = new SqliteConnection(connectionString);
        await writer.OpenAsync(Cancellation);
        await using var write = writer.CreateCommand();
        write.CommandText = "DELETE FROM DirtyDays";
        var locked = await Assert.ThrowsAsync<SqliteException>(() => write.ExecuteNonQueryAsync(Cancellation));

        Assert.True(StoreOutage.IsOutage(locked), locked.ToString());
        // The cause under EF's wrapper, on one line: what an operator reads in a log or a terminal.
        var described = StoreOutage.Describe(new DbUpdateException("saving failed", locked));
        Assert.StartsWith("SqliteException: SQLite Error 5", described, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', described);
    }
}
