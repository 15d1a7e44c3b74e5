using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;
using Stats.Core.Data;

namespace Stats.Benchmarks;

/// <summary>One store of a run: the provider and the connection string the product is configured with.</summary>
internal sealed record BenchmarkStore(DatabaseProvider Provider, string ConnectionString)
{
    /// <summary>The settings that put the product on this store, as an operator would write them.</summary>
    public Dictionary<string, string?> Settings() => new(StringComparer.OrdinalIgnoreCase)
    {
        [$"{DatabaseOptions.SectionName}:Provider"] = Provider.ToString(),
        [$"{DatabaseOptions.SectionName}:ConnectionString"] = ConnectionString,
        // The aggregation suite writes two years of history: keep every raw event.
        ["Stats:Retention:RawEventMaxAgeDays"] = "0",
    };

    /// <summary>Closes the pooled connections, so that the store can be read by a new host or dropped.</summary>
    public void ClearPool()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            using var connection = new SqliteConnection(ConnectionString);
            SqliteConnection.ClearPool(connection);
        }
        else
        {
            using var connection = new NpgsqlConnection(ConnectionString);
            NpgsqlConnection.ClearPool(connection);
        }
    }
}

/// <summary>What the stores were on: the provider, its version and what makes its commits cheap or dear.</summary>
internal sealed record StoreInfo(string Provider, string Version, string? FileSystem, string? Fsync, string? SynchronousCommit);

/// <summary>
/// Where a suite's stores live, each one new: SQLite files in a temp folder of the run's own, or uniquely named databases
/// on a PostgreSQL server (the connection string names the server; its database, if any, is only used to connect).
/// Everything made here is deleted or dropped at the end, failed run or not, unless <c>STATS_BENCH_KEEP=1</c>.
/// </summary>
internal sealed class BenchmarkStores : IAsyncDisposable
{
    private const string KeepVariable = "STATS_BENCH_KEEP";

    private readonly string? _server;
    private readonly string _runId = Guid.NewGuid().ToString("N")[..8];
    private readonly List<BenchmarkStore> _created = [];

    private BenchmarkStores(DatabaseProvider provider, string? server)
    {
        Provider = provider;
        _server = server;
        Folder = Directory.CreateTempSubdirectory("stats-bench-").FullName;
    }

    public DatabaseProvider Provider { get; }

    /// <summary>The run's own temp folder: the SQLite files, when the provider is SQLite.</summary>
    public string Folder { get; }

    /// <summary>Checks that the server answers before anything is measured; a SQLite run needs no server.</summary>
    public static async Task<BenchmarkStores> OpenAsync(DatabaseProvider provider, string? server)
    {
        var stores = new BenchmarkStores(provider, server);
        if (provider == DatabaseProvider.PostgreSql)
        {
            try
            {
                await stores.ExecuteAsync("SELECT 1");
            }
            catch (Exception ex) when (ex is NpgsqlException or ArgumentException or InvalidOperationException)
            {
                await stores.DisposeAsync();
                throw new BenchmarkSetupException($"cannot use the PostgreSQL server of --connection: {ex.Message}");
            }
        }

        return stores;
    }

    /// <summary>A new, empty store (the migration creates the schema); <paramref name="name"/> says what it is for.</summary>
    public async Task<BenchmarkStore> CreateAsync(string name)
    {
        BenchmarkStore store;
        if (Provider == DatabaseProvider.Sqlite)
        {
            store = new BenchmarkStore(Provider, $"Data Source={Path.Combine(Folder, name + ".db")}");
        }
        else
        {
            var database = $"stats_bench_{_runId}_{name.Replace('-', '_')}";
            await ExecuteAsync($"CREATE DATABASE \"{database}\"");
            store = new BenchmarkStore(Provider, new NpgsqlConnectionStringBuilder(_server) { Database = database }.ConnectionString);
        }

        _created.Add(store);
        return store;
    }

    /// <summary>
    /// Deletes one store now, when a later step no longer needs it (kept with <c>STATS_BENCH_KEEP=1</c>): runs that each
    /// write gigabytes would otherwise fill the page cache with earlier runs' dirty pages, whose write-back then falls
    /// into the later runs.
    /// </summary>
    public async Task DropAsync(BenchmarkStore store)
    {
        if (Environment.GetEnvironmentVariable(KeepVariable) == "1" || !_created.Remove(store))
        {
            return;
        }

        store.ClearPool();
        if (Provider == DatabaseProvider.PostgreSql)
        {
            await ExecuteAsync($"DROP DATABASE IF EXISTS \"{new NpgsqlConnectionStringBuilder(store.ConnectionString).Database}\" WITH (FORCE)");
            return;
        }

        var file = new SqliteConnectionStringBuilder(store.ConnectionString).DataSource;
        foreach (var path in (string[])[file, file + "-wal", file + "-shm"])
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// Writes every dirty page of the file system cache to disk (Linux <c>sync</c>), so that a measured run starts
    /// without the write-back of what came before it; elsewhere it does nothing.
    /// </summary>
    public static void FlushDiskWrites()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var sync = Process.Start(new ProcessStartInfo("sync") { UseShellExecute = false });
        sync?.WaitForExit();
    }

    public async Task<StoreInfo> DescribeAsync()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            await using var sqlite = new SqliteConnection("Data Source=:memory:");
            await sqlite.OpenAsync();
            await using var command = sqlite.CreateCommand();
            command.CommandText = "SELECT sqlite_version()";
            return new StoreInfo(Provider.ToString(), (string)(await command.ExecuteScalarAsync())!, FileSystemOf(Folder), null, null);
        }

        await using var connection = new NpgsqlConnection(Maintenance());
        await connection.OpenAsync();
        await using var settings = new NpgsqlCommand("SELECT current_setting('fsync'), current_setting('synchronous_commit')", connection);
        await using var reader = await settings.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new StoreInfo(Provider.ToString(), connection.PostgreSqlVersion.ToString(), null, reader.GetString(0), reader.GetString(1));
    }

    public async ValueTask DisposeAsync()
    {
        // Pooled connections keep SQLite files open and PostgreSQL databases in use: close them before the stores go.
        SqliteConnection.ClearAllPools();
        NpgsqlConnection.ClearAllPools();
        if (Environment.GetEnvironmentVariable(KeepVariable) == "1")
        {
            Progress.Log($"kept the stores ({KeepVariable}=1): {string.Join(", ", _created.Select(s => s.ConnectionString))}");
            return;
        }

        if (Provider == DatabaseProvider.PostgreSql)
        {
            foreach (var store in _created)
            {
                var database = new NpgsqlConnectionStringBuilder(store.ConnectionString).Database;
                try
                {
                    await ExecuteAsync($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
                }
                catch (NpgsqlException ex)
                {
                    // The run's result stands; say what is left behind, so that someone can drop it.
                    Progress.Log($"warning: could not drop the database {database}: {ex.Message}");
                }
            }
        }

        Directory.Delete(Folder, recursive: true);
    }

    /// <summary>CREATE and DROP DATABASE cannot run in a transaction, nor in the database they name: they run on <c>postgres</c>.</summary>
    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Maintenance());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private string Maintenance() => new NpgsqlConnectionStringBuilder(_server) { Database = "postgres", Pooling = false }.ConnectionString;

    /// <summary>The file system the SQLite files live on (Linux): a tmpfs would make every commit's fsync free.</summary>
    private static string? FileSystemOf(string path)
    {
        const string Mounts = "/proc/mounts";
        if (!File.Exists(Mounts))
        {
            return null;
        }

        return File.ReadLines(Mounts)
            .Select(l => l.Split(' '))
            .Where(f => f.Length > 2 && (path == f[1] || path.StartsWith(f[1].TrimEnd('/') + "/", StringComparison.Ordinal)))
            .OrderByDescending(f => f[1].Length)
            .Select(f => $"{f[2]} ({f[0]} on {f[1]})")
            .FirstOrDefault();
    }
}

/// <summary>The run cannot start as asked (a server that cannot be reached): said in one line, without a stack trace.</summary>
internal sealed class BenchmarkSetupException(string message) : Exception(message);
