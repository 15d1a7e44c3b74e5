namespace Stats.Tests.Infrastructure;

/// <summary>The bytes of a SQLite store's files: to show that something is nowhere in the database, whatever the schema.</summary>
public static class StoreFiles
{
    /// <summary>
    /// Every file of the store, read as one consistent set: when the last connection closes, SQLite checkpoints the
    /// write-ahead log into the database and deletes the -wal and -shm files, possibly between listing and reading.
    /// A set with a vanished file is read again, so that content moving from the log to the database is never missed.
    /// </summary>
    public static async Task<Dictionary<string, byte[]>> ReadAllAsync(string directory)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var files = new Dictionary<string, byte[]>();
                foreach (var file in Directory.GetFiles(directory))
                {
                    files[file] = await ReadSharedAsync(file);
                }

                return files;
            }
            catch (FileNotFoundException) when (attempt < 10)
            {
            }
        }
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, TestContext.Current.CancellationToken);
        return copy.ToArray();
    }
}
