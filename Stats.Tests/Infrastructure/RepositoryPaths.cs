namespace Stats.Tests.Infrastructure;

/// <summary>Where the repository and the shared reference data are, found from the test output folder.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The folder that holds Stats.sln.</summary>
    public static string Root => s_root.Value;

    /// <summary>A file of the shared test data (<c>../shared/data</c> beside the repository), which is never copied into it.</summary>
    public static string SharedData(params string[] parts)
    {
        var path = Path.GetFullPath(Path.Combine([Root, "..", "shared", "data", .. parts]));
        if (!File.Exists(path))
        {
            Assert.Fail($"The shared test data file {path} is missing: the tests expect ../shared/data beside the repository.");
        }

        return path;
    }

    /// <summary>A file of the tests' npm packages (<c>Stats.Tests/node/node_modules</c>, installed by the test project's build).</summary>
    public static string NodePackage(params string[] parts)
    {
        var path = Path.Combine([Root, "Stats.Tests", "node", "node_modules", .. parts]);
        if (!File.Exists(path))
        {
            Assert.Fail($"{path} is missing: building Stats.Tests runs 'npm ci' in Stats.Tests/node; run it there by hand if the build could not.");
        }

        return path;
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Stats.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds Stats.sln.");
    }
}
