namespace Stats.Core.Import;

/// <summary>The files an import reads, from what the command line names.</summary>
public static class ImportFiles
{
    /// <summary>
    /// Each path as given, a folder replaced by its files sorted by name (ordinal, so <c>2024-03</c> comes before
    /// <c>2024-04</c>), hidden files left out. A path that does not exist stays, for the import to report.
    /// </summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (!Directory.Exists(path))
            {
                files.Add(path);
                continue;
            }

            files.AddRange(Directory.EnumerateFiles(path)
                .Where(f => !Path.GetFileName(f).StartsWith('.'))
                .Order(StringComparer.Ordinal));
        }

        return files;
    }
}
