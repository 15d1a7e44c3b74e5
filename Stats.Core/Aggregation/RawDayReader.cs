using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Stats.Core.Counting;
using Stats.Core.Data;
using Stats.Core.Events;

namespace Stats.Core.Aggregation;

/// <summary>One raw event as the aggregator reads it.</summary>
internal readonly record struct DayEvent(
    short TypeId,
    DateTime Timestamp,
    int? RecordId,
    int? FileId,
    int? CommunityId,
    int? SubjectId,
    int? DetailId,
    string? Country,
    EventTraits Traits,
    long? VisitorHash,
    long? SessionHash,
    long? Amount,
    int? ReferrerId,
    int? OrganisationId);

/// <summary>
/// Reads a day of raw events straight from the data reader: the aggregator's input is the widest read of the product,
/// and a range read of the (Timestamp, TypeId) index in time order is what makes double-click removal one pass.
/// </summary>
internal static class RawDayReader
{
    private static readonly short s_view = EventCatalog.CodeOf(EventCatalog.RecordView);
    private static readonly short s_download = EventCatalog.CodeOf(EventCatalog.FileDownload);

    /// <summary>The SQL of <see cref="ReadDayAsync"/>, in the common dialect of every provider (exposed for the SQL Server parse checks).</summary>
    internal const string DaySql =
        "SELECT \"TypeId\", \"Timestamp\", \"RecordId\", \"FileId\", \"CommunityId\", \"SubjectId\", \"DetailId\", \"Country\", \"Traits\", " +
        "\"VisitorHash\", \"SessionHash\", \"Amount\", \"ReferrerId\", \"OrganisationId\" FROM \"RawEvents\" WHERE \"Timestamp\" >= @from AND \"Timestamp\" < @to ORDER BY \"Timestamp\"";

    /// <summary>Every raw event of <paramref name="day"/>, in time order.</summary>
    public static async Task<List<DayEvent>> ReadDayAsync(StatsDbContext context, DateOnly day, CancellationToken cancellationToken)
    {
        if (context.Provider == DatabaseProvider.Sqlite)
        {
            await OpenAsync(context, cancellationToken);
            return SqliteDayReader.Read((SqliteConnection)context.Database.GetDbConnection(), DaySql, Start(day), Start(day.AddDays(1)));
        }

        var events = new List<DayEvent>();
        await using var command = await CreateCommandAsync(context, DaySql, Start(day), Start(day.AddDays(1)), cancellationToken);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new DayEvent(
                reader.GetInt16(0),
                Utc(reader.GetDateTime(1)),
                reader.IsDBNull(2) ? null : reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetInt32(4),
                reader.IsDBNull(5) ? null : reader.GetInt32(5),
                reader.IsDBNull(6) ? null : reader.GetInt32(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                (EventTraits)reader.GetByte(8),
                reader.IsDBNull(9) ? null : reader.GetInt64(9),
                reader.IsDBNull(10) ? null : reader.GetInt64(10),
                reader.IsDBNull(11) ? null : reader.GetInt64(11),
                reader.IsDBNull(12) ? null : reader.GetInt32(12),
                reader.IsDBNull(13) ? null : reader.GetInt32(13)));
        }

        return events;
    }

    /// <summary>
    /// The clicks of the first seconds of the next day that can close a double-click of <paramref name="day"/>, with the
    /// visitor as the previous day's salt hashed it.
    /// </summary>
    public static async Task<List<UsageClick>> ReadFollowersAsync(StatsDbContext context, DateOnly day, CancellationToken cancellationToken)
    {
        var followers = new List<UsageClick>();
        var next = Start(day.AddDays(1));
        await using var command = await CreateCommandAsync(
            context,
            FollowersSql,
            next,
            next + CounterRules.DoubleClickWindow,
            cancellationToken);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            followers.Add(new UsageClick(
                Utc(reader.GetDateTime(0)),
                reader.GetInt32(1),
                reader.IsDBNull(2) ? null : reader.GetInt32(2),
                reader.GetInt64(3),
                Session: null,
                (EventTraits)reader.GetByte(4)));
        }

        return followers;
    }

    /// <summary>The SQL of <see cref="ReadFollowersAsync"/> (exposed for the SQL Server parse checks).</summary>
    internal static readonly string FollowersSql =
        "SELECT \"Timestamp\", \"RecordId\", \"FileId\", \"PrecedingVisitorHash\", \"Traits\" FROM \"RawEvents\" " +
        $"WHERE \"Timestamp\" >= @from AND \"Timestamp\" <= @to AND \"TypeId\" IN ({s_view}, {s_download}) " +
        "AND \"PrecedingVisitorHash\" IS NOT NULL AND \"RecordId\" IS NOT NULL";

    private static DateTime Start(DateOnly day) => day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    // SQLite hands back unspecified times; every timestamp in the store is UTC.
    private static DateTime Utc(DateTime value) => value.Kind == DateTimeKind.Utc ? value : DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private static async Task OpenAsync(StatsDbContext context, CancellationToken cancellationToken)
    {
        if (context.Database.GetDbConnection().State != System.Data.ConnectionState.Open)
        {
            await context.Database.OpenConnectionAsync(cancellationToken);
        }
    }

    private static async Task<DbCommand> CreateCommandAsync(StatsDbContext context, string sql, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        await OpenAsync(context, cancellationToken);
        var command = context.Database.GetDbConnection().CreateCommand();
        command.Transaction = context.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = sql;
        AddParameter(command, "@from", from);
        AddParameter(command, "@to", to);
        return command;
    }

    private static void AddParameter(DbCommand command, string name, DateTime value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
