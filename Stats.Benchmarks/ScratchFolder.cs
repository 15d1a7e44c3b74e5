using Microsoft.Data.Sqlite;

namespace Stats.Benchmarks;

/// <summary>A folder of its own under the temp folder for the run's SQLite files, deleted with them at the end.</summary>
internal sealed class ScratchFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("stats-bench-").FullName;

    /// <summary>A fresh database file name in the folder (the file itself is created by the migration).</summary>
    public string Database(string name) => System.IO.Path.Combine(Path, name + ".db");

    public void Dispose()
    {
        // Pooled SQLite connections keep their files open: close them before the files go.
        SqliteConnection.ClearAllPools();
        if (Environment.GetEnvironmentVariable("STATS_BENCH_KEEP") == "1")
        {
            Progress.Log($"kept the stores in {Path} (STATS_BENCH_KEEP=1)");
            return;
        }

        Directory.Delete(Path, recursive: true);
    }
}
