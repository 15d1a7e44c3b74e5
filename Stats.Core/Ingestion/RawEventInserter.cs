using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using SQLitePCL;
using Stats.Core.Data;

namespace Stats.Core.Ingestion;

/// <summary>
/// Appends raw events inside the writer's transaction by the fastest path each provider has: one prepared
/// statement re-executed per row on SQLite, binary COPY on PostgreSQL, SqlBulkCopy on SQL Server.
/// The column list here and the entity configuration must agree: the store tests read the rows back through EF.
/// </summary>
internal static class RawEventInserter
{
    private const string Columns = "\"TypeId\", \"Timestamp\", \"RecordId\", \"FileId\", \"CommunityId\", \"SubjectId\", \"DetailId\", " +
        "\"Country\", \"Traits\", \"VisitorHash\", \"SessionHash\", \"Amount\", \"ClientIdHash\", \"PrecedingVisitorHash\", " +
        "\"OrganisationId\", \"ReferrerId\", \"AgentId\"";

    /// <summary>The conflict target is the unique index of client ids (<c>IX_RawEvents_Timestamp_ClientIdHash</c>, partial).</summary>
    internal const string SqliteInsert = $"INSERT INTO \"RawEvents\" ({Columns}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) " +
        "ON CONFLICT (\"Timestamp\", \"ClientIdHash\") WHERE \"ClientIdHash\" IS NOT NULL DO NOTHING";

    /// <summary>
    /// Inserts the rows; returns the indexes of those not inserted because their client id (with their timestamp) is
    /// stored already, which only SQLite finds here (its statement does nothing on that conflict): the writer looks them
    /// up before on the other providers.
    /// </summary>
    public static async Task<IReadOnlyList<int>> InsertAsync(StatsDbContext context, IReadOnlyList<RawEvent> rows, CancellationToken cancellationToken)
    {
        _ = context.Database.CurrentTransaction ?? throw new InvalidOperationException("Raw events are inserted inside the writer's transaction.");
        switch (context.Provider)
        {
            case DatabaseProvider.Sqlite:
                // The statement runs inside the transaction the connection has open.
                return InsertSqlite((SqliteConnection)context.Database.GetDbConnection(), rows);
            case DatabaseProvider.PostgreSql:
                try
                {
                    await CopyPostgreSqlAsync((NpgsqlConnection)context.Database.GetDbConnection(), rows, cancellationToken);
                }
                catch (Exception ex) when (RawEventPartitions.IsMissingPartition(ex))
                {
                    // Another instance's retention dropped a month this process thought it had: ask the catalog next time.
                    RawEventPartitions.ForgetAll(context);
                    throw;
                }

                break;
            default:
                await SqlServerBulkCopy.WriteAsync(context, rows, cancellationToken);
                break;
        }

        return [];
    }

    /// <summary>
    /// One prepared statement through SQLite's C API, values bound by position: Microsoft.Data.Sqlite's parameters look
    /// each name up and box each value on every row, which cost as much as the insert itself. A row whose client id is
    /// stored already is left out by the unique index as the row is inserted: a look-up of every id before cost the
    /// writer as much again per event.
    /// </summary>
    private static List<int> InsertSqlite(SqliteConnection connection, IReadOnlyList<RawEvent> rows)
    {
        var handle = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        var rc = raw.sqlite3_prepare_v2(handle, SqliteInsert, out var statement);
        SqliteException.ThrowExceptionForRC(rc, handle);
        Span<byte> timestamp = stackalloc byte[32];
        var stored = new List<int>();
        using (statement)
        {
            for (var i = 0; i < rows.Count; i++)
            {
                var row = rows[i];
                raw.sqlite3_bind_int(statement, 1, row.TypeId);
                // The text Microsoft.Data.Sqlite and EF Core write and compare for a DateTime.
                row.Timestamp.TryFormat(timestamp, out var length, "yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
                raw.sqlite3_bind_text(statement, 2, timestamp[..length]);
                BindInt(statement, 3, row.RecordId);
                BindInt(statement, 4, row.FileId);
                BindInt(statement, 5, row.CommunityId);
                BindInt(statement, 6, row.SubjectId);
                BindInt(statement, 7, row.DetailId);
                if (row.Country is null)
                {
                    raw.sqlite3_bind_null(statement, 8);
                }
                else
                {
                    raw.sqlite3_bind_text(statement, 8, row.Country);
                }

                raw.sqlite3_bind_int(statement, 9, (byte)row.Traits);
                BindInt64(statement, 10, row.VisitorHash);
                BindInt64(statement, 11, row.SessionHash);
                BindInt64(statement, 12, row.Amount);
                BindInt64(statement, 13, row.ClientIdHash);
                BindInt64(statement, 14, row.PrecedingVisitorHash);
                BindInt(statement, 15, row.OrganisationId);
                BindInt(statement, 16, row.ReferrerId);
                BindInt(statement, 17, row.AgentId);
                rc = raw.sqlite3_step(statement);
                if (rc != raw.SQLITE_DONE)
                {
                    SqliteException.ThrowExceptionForRC(rc, handle);
                }

                if (raw.sqlite3_changes(handle) == 0)
                {
                    stored.Add(i);
                }

                raw.sqlite3_reset(statement);
            }
        }

        return stored;
    }

    private static void BindInt(sqlite3_stmt statement, int index, int? value)
    {
        if (value is { } v)
        {
            raw.sqlite3_bind_int(statement, index, v);
        }
        else
        {
            raw.sqlite3_bind_null(statement, index);
        }
    }

    private static void BindInt64(sqlite3_stmt statement, int index, long? value)
    {
        if (value is { } v)
        {
            raw.sqlite3_bind_int64(statement, index, v);
        }
        else
        {
            raw.sqlite3_bind_null(statement, index);
        }
    }

    private static async Task CopyPostgreSqlAsync(NpgsqlConnection connection, IReadOnlyList<RawEvent> rows, CancellationToken cancellationToken)
    {
        await using var import = await connection.BeginBinaryImportAsync($"COPY \"RawEvents\" ({Columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var row in rows)
        {
            await import.StartRowAsync(cancellationToken);
            await import.WriteAsync(row.TypeId, NpgsqlDbType.Smallint, cancellationToken);
            await import.WriteAsync(row.Timestamp, NpgsqlDbType.TimestampTz, cancellationToken);
            await WriteNullableAsync(import, row.RecordId, NpgsqlDbType.Integer, cancellationToken);
            await WriteNullableAsync(import, row.FileId, NpgsqlDbType.Integer, cancellationToken);
            await WriteNullableAsync(import, row.CommunityId, NpgsqlDbType.Integer, cancellationToken);
            await WriteNullableAsync(import, row.SubjectId, NpgsqlDbType.Integer, cancellationToken);
            await WriteNullableAsync(import, row.DetailId, NpgsqlDbType.Integer, cancellationToken);
            if (row.Country is null)
            {
                await import.WriteNullAsync(cancellationToken);
            }
            else
            {
                await import.WriteAsync(row.Country, NpgsqlDbType.Char, cancellationToken);
            }

            await import.WriteAsync((short)row.Traits, NpgsqlDbType.Smallint, cancellationToken);
            await WriteNullableAsync(import, row.VisitorHash, NpgsqlDbType.Bigint, cancellationToken);
            await WriteNullableAsync(import, row.SessionHash, NpgsqlDbType.Bigint, cancellationToken);
            await WriteNullableAsync(import, row.Amount, NpgsqlDbType.Bigint, cancellationToken);
            await WriteNullableAsync(import, row.ClientIdHash, NpgsqlDbType.Bigint, cancellationToken);
            await WriteNullableAsync(import, row.PrecedingVisitorHash, NpgsqlDbType.Bigint, cancellationToken);
            await WriteNullableAsync(import, row.OrganisationId, NpgsqlDbType.Integer, cancellationToken);
            await WriteNullableAsync(import, row.ReferrerId, NpgsqlDbType.Integer, cancellationToken);
            await WriteNullableAsync(import, row.AgentId, NpgsqlDbType.Integer, cancellationToken);
        }

        await import.CompleteAsync(cancellationToken);
    }

    private static async Task WriteNullableAsync<T>(NpgsqlBinaryImporter import, T? value, NpgsqlDbType type, CancellationToken cancellationToken)
        where T : struct
    {
        if (value is { } v)
        {
            await import.WriteAsync(v, type, cancellationToken);
        }
        else
        {
            await import.WriteNullAsync(cancellationToken);
        }
    }
}
