namespace Stats.Tests.Infrastructure;

/// <summary>What the environment of the test run says: CI or a developer's machine.</summary>
public static class TestEnvironment
{
    /// <summary>True under CI (<c>CI=true</c>), where a test that cannot run is a failure, not a skip.</summary>
    public static bool IsCi { get; } =
        Environment.GetEnvironmentVariable("CI") is { } ci && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");

    /// <summary>Skips the test on a developer's machine; fails it under CI, where everything must run.</summary>
    public static void Unavailable(string reason)
    {
        if (IsCi)
        {
            Assert.Fail(reason + " (CI=true: this is a failure, not a skip.)");
        }

        Assert.Skip(reason);
    }
}
