using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Stats.Core.Data;

namespace Stats.Core.Ingestion;

/// <summary>
/// Appends raw events inside the writer's transaction by the fastest path each provider has: one prepared
/// statement re-executed per row on SQLite, binary COPY on PostgreSQL. Other providers go through EF Core.
/// The column list here and the entity configuration must agree: the store tests read the rows back through EF.
/// </summary>
internal static class RawEventInserter
{
    private const string Columns = "\"TypeId\", \"Timestamp\", \"RecordId\", \"FileId\", \"CommunityId\", \"SubjectId\", \"DetailId\", " +
        "\"Country\", \"Traits\", \"VisitorHash\", \"SessionHash\", \"Amount\", \"ClientIdHash\", \"PrecedingVisitorHash\", " +
        "\"OrganisationId\", \"ReferrerId\", \"AgentId\"";

    private static readonly string[] s_sqliteParameters = ["$t", "$ts", "$r", "$f", "$c", "$s", "$d", "$co", "$tr", "$v", "$se", "$a", "$id", "$pv", "$o", "$rf", "$ag"];

    public static async Task InsertAsync(StatsDbContext context, IReadOnlyList<RawEvent> rows, CancellationToken cancellationToken)
    {
        var transaction = context.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Raw events are inserted inside the writer's transaction.");
        switch (context.Provider)
        {
            case DatabaseProvider.Sqlite:
                await InsertSqliteAsync((SqliteConnection)context.Database.GetDbConnection(), (SqliteTransaction)transaction, rows, cancellationToken);
                break;
            case DatabaseProvider.PostgreSql:
                await CopyPostgreSqlAsync((NpgsqlConnection)context.Database.GetDbConnection(), rows, cancellationToken);
                break;
            default:
                context.RawEvents.AddRange(rows);
                await context.SaveChangesAsync(cancellationToken);
                context.ChangeTracker.Clear();
                break;
        }
    }

    private static async Task InsertSqliteAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<RawEvent> rows, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO \"RawEvents\" ({Columns}) VALUES ({string.Join(", ", s_sqliteParameters)})";
        var parameters = s_sqliteParameters.Select(name => command.Parameters.Add(new SqliteParameter { ParameterName = name }))
            .ToArray();
        command.Prepare();
        foreach (var row in rows)
        {
            parameters[0].Value = row.TypeId;
            // Microsoft.Data.Sqlite writes DateTime as "yyyy-MM-dd HH:mm:ss.FFFFFFF", the same text EF Core writes and compares.
            parameters[1].Value = row.Timestamp;
            parameters[2].Value = (object?)row.RecordId ?? DBNull.Value;
            parameters[3].Value = (object?)row.FileId ?? DBNull.Value;
            parameters[4].Value = (object?)row.CommunityId ?? DBNull.Value;
            parameters[5].Value = (object?)row.SubjectId ?? DBNull.Value;
            parameters[6].Value = (object?)row.DetailId ?? DBNull.Value;
            parameters[7].Value = (object?)row.Country ?? DBNull.Value;
            parameters[8].Value = (byte)row.Traits;
            parameters[9].Value = (object?)row.VisitorHash ?? DBNull.Value;
            parameters[10].Value = (object?)row.SessionHash ?? DBNull.Value;
            parameters[11].Value = (object?)row.Amount ?? DBNull.Value;
            parameters[12].Value = (object?)row.ClientIdHash ?? DBNull.Value;
            parameters[13].Value = (object?)row.PrecedingVisitorHash ?? DBNull.Value;
            parameters[14].Value = (object?)row.OrganisationId ?? DBNull.Value;
            parameters[15].Value = (object?)row.ReferrerId ?? DBNull.Value;
            parameters[16].Value = (object?)row.AgentId ?? DBNull.Value;
            await command.ExecuteNonQueryAsync(cancellationToken);
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
