using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Stats.Core.Data;

/// <summary>
/// The one answer to "did this transaction lose a race with another writer?": another instance (or process) created
/// the same catalog row or day mark first, the two transactions deadlocked, or another instance's retention dropped the
/// raw-event partition of a month this one was writing to (PostgreSQL, ADR-017). Nothing is wrong with the work itself:
/// run again, it finds what the other writer committed and succeeds.
/// </summary>
public static class StoreConflict
{
    // SQLite's extended result codes for a UNIQUE or PRIMARY KEY constraint (https://sqlite.org/rescode.html).
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;

    /// <summary>
    /// True for a unique-key violation, a deadlock or a serialization failure (or an EF exception wrapping one).
    /// PostgreSQL 23505, 40001, 40P01 and 23514 on <c>RawEvents</c> (no partition for a row); SQL Server 2601, 2627, 1205; SQLite's UNIQUE and PRIMARY KEY constraints.
    /// </summary>
    public static bool IsLostRace(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected
            || RawEventPartitions.IsMissingPartition(postgres),
        SqlException sqlServer => sqlServer.Errors.Cast<SqlError>().Any(e => e.Number is 2601 or 2627 or 1205),
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey,
        DbUpdateException or InvalidOperationException => exception.InnerException is { } wrapped && IsLostRace(wrapped),
        _ => false,
    };
}
