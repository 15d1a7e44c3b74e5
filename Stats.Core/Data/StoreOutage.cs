using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Stats.Core.Data;

/// <summary>
/// The one answer to "is this a store outage?": the store is unreachable, locked, full, read-only or timed out, so the
/// work can be tried again later. Anything else (a constraint violated, a missing table, a query EF cannot translate) is
/// a bug or bad input and must not be reported as "try later". The API answers an outage with 503 and Retry-After, the
/// command-line verbs with exit code 3, health with degraded or unhealthy.
/// </summary>
public static class StoreOutage
{
    /// <summary>How long a client is asked to wait before it retries (the Retry-After header).</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    // SQLite's primary result codes that mean the file is busy or cannot be written now (https://sqlite.org/rescode.html).
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteNoMemory = 7;
    private const int SqliteReadOnly = 8;
    private const int SqliteIoError = 10;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;

    // SQL Server errors of an unreachable, busy or full server (timeout, network, deadlock victim, log or filegroup full, read-only database).
    private static readonly HashSet<int> s_sqlServerOutages = [-2, 2, 53, 121, 233, 1105, 1205, 3906, 4060, 9002, 10053, 10054, 10060, 10928, 10929, 40197, 40501, 40613];

    /// <summary>True when <paramref name="exception"/> (or what it wraps) says the store is unavailable rather than the request or the code wrong.</summary>
    public static bool IsOutage(Exception exception) => exception switch
    {
        TimeoutException or RetryLimitExceededException => true,
        SqliteException sqlite => (sqlite.SqliteErrorCode & 0xFF) is SqliteBusy or SqliteLocked or SqliteNoMemory or SqliteReadOnly or SqliteIoError or SqliteFull or SqliteCantOpen,
        PostgresException postgres => IsPostgresOutage(postgres.SqlState),
        // Without a server answer (connection refused, reset, timed out): Npgsql calls it transient.
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is { } inner && IsOutage(inner),
        SqlException sqlServer => sqlServer.Errors.Cast<SqlError>().Any(e => s_sqlServerOutages.Contains(e.Number)),
        DbException db => db.IsTransient,
        // EF wraps the provider's exception: a failed SaveChanges, or a transient failure outside a retrying strategy.
        DbUpdateException or InvalidOperationException => exception.InnerException is { } wrapped && IsOutage(wrapped),
        IOException io => io.InnerException is { } wrapped && IsOutage(wrapped),
        _ => false,
    };

    /// <summary>What failed, in one line for a log or a terminal: the innermost store exception's type and message.</summary>
    public static string Describe(Exception exception)
    {
        var cause = exception;
        while (cause is DbUpdateException or InvalidOperationException or RetryLimitExceededException && cause.InnerException is { } inner)
        {
            cause = inner;
        }

        return $"{cause.GetType().Name}: {FirstLine(cause.Message)}";
    }

    /// <summary>
    /// Class 08 (connection), 53 (insufficient resources: disk full, out of memory, too many connections), 57P01-57P05
    /// (shut down, crashed, starting, idle too long), 57014 (statement timeout), 40001/40P01 (serialization failure,
    /// deadlock: retry), 25006 (read-only transaction: a standby or a read-only store).
    /// </summary>
    private static bool IsPostgresOutage(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) ||
        state.StartsWith("53", StringComparison.Ordinal) ||
        state.StartsWith("57P", StringComparison.Ordinal) ||
        state is "57014" or "40001" or "40P01" or "25006" or "58030";

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
