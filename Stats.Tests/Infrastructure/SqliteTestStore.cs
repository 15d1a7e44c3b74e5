using Microsoft.Data.Sqlite;
using Stats.Core.Data;

namespace Stats.Tests.Infrastructure;

/// <summary>A SQLite file in a temp folder of its own, deleted (with its WAL files) afterwards.</summary>
public sealed class SqliteTestStore : TestStore
{
    private readonly TempFolder _folder;

    public SqliteTestStore()
        : this(new TempFolder())
    {
    }

    private SqliteTestStore(TempFolder folder)
        : base(DatabaseProvider.Sqlite, new SqliteConnectionStringBuilder { DataSource = folder.Combine("stats.db") }.ToString())
    {
        _folder = folder;
    }

    public string FilePath => new SqliteConnectionStringBuilder(ConnectionString).DataSource;

    public override ValueTask DisposeAsync()
    {
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }
}
