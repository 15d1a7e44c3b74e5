using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Stats.Core.Data;

/// <summary>
/// A cheap look at whether the store can be written, without writing: on SQLite the file opens for writing and its
/// disk has room, on PostgreSQL the server accepts writes (not a standby, not read-only). Health runs it on every check,
/// so it must not write; what writes actually did is <see cref="StoreWriteHealth"/>.
/// </summary>
public static class StoreWritability
{
    /// <summary>Below this, SQLite cannot grow its write-ahead log by another transaction of any size.</summary>
    private const long MinFreeBytes = 1024 * 1024;

    /// <summary>Why the store cannot be written now, or null when nothing says so.</summary>
    public static async Task<string?> ProblemAsync(StatsDbContext context, CancellationToken cancellationToken)
    {
        switch (context.Provider)
        {
            case DatabaseProvider.Sqlite:
                return SqliteProblem(new SqliteConnectionStringBuilder(context.Database.GetConnectionString()).DataSource);
            case DatabaseProvider.PostgreSql:
                var readOnly = await context.Database
                    .SqlQueryRaw<string>("SELECT current_setting('transaction_read_only') AS \"Value\"")
                    .SingleAsync(cancellationToken);
                return readOnly == "on" ? "the database accepts no writes (transaction_read_only is on: a standby, or a read-only database)" : null;
            default:
                return null;
        }
    }

    private static string? SqliteProblem(string file)
    {
        if (file.Length == 0 || file == ":memory:" || !File.Exists(file))
        {
            return null;
        }

        try
        {
            // Opening for writing writes nothing; it fails on a read-only file or file system.
            using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            return $"the store's file cannot be written ({ex.Message})";
        }

        var free = new DriveInfo(Path.GetDirectoryName(Path.GetFullPath(file))!).AvailableFreeSpace;
        return free < MinFreeBytes ? $"the store's disk is full ({free:N0} bytes free)" : null;
    }
}
