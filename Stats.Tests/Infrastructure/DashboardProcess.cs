using System.Diagnostics;

namespace Stats.Tests.Infrastructure;

/// <summary>What a run of the dashboard executable did.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>The non-empty lines of standard error.</summary>
    public IReadOnlyList<string> ErrorLines => StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit code {ExitCode}\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";
}

/// <summary>
/// Runs the real dashboard executable (<c>dotnet Stats.Dashboard.dll</c>, which the build puts beside the tests) as
/// an operator would, configured through environment variables only.
/// </summary>
public static class DashboardProcess
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(3);

    public static async Task<ProcessResult> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Process.Start(StartInfo(environment, args)) ?? throw new InvalidOperationException("The dashboard did not start.");
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(s_timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet Stats.Dashboard.dll {string.Join(' ', args)} did not exit within {s_timeout}.");
        }

        return new ProcessResult(process.ExitCode, await output, await error);
    }

    /// <summary>Starts the dashboard as a web server on a free loopback port and returns once it listens.</summary>
    public static async Task<RunningDashboard> StartServerAsync(IReadOnlyDictionary<string, string> environment)
    {
        var process = Process.Start(StartInfo(environment, ["--urls", "http://127.0.0.1:0"]))
            ?? throw new InvalidOperationException("The dashboard did not start.");
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        // A cap, not a wait: a loaded machine starting several servers at once takes well over a minute.
        timeout.CancelAfter(s_timeout);
        var seen = new System.Text.StringBuilder();
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            seen.AppendLine(line);
            // Program.cs prints "Stats dashboard: <urls>" once Kestrel has bound its port.
            if (line.StartsWith("Stats dashboard: ", StringComparison.Ordinal))
            {
                var url = line["Stats dashboard: ".Length..].Split(' ', ',')[0];
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                return new RunningDashboard(process, new Uri(url));
            }
        }

        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException($"The dashboard exited before listening.\n{seen}\n{await error}");
    }

    /// <summary>Starts a verb without waiting for it (its output is read and dropped), for a test that kills it half-way.</summary>
    public static Process StartVerb(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var process = Process.Start(StartInfo(environment, args)) ?? throw new InvalidOperationException("The dashboard did not start.");
        // A full pipe would stall the verb: drain both.
        _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
        return process;
    }

    private static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string> environment, IEnumerable<string> args)
    {
        var folder = AppContext.BaseDirectory;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(folder, "Stats.Dashboard.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Only what the test gives decides the dashboard's settings, not the environment of the test run.
        foreach (var key in start.Environment.Keys.Where(IsSetting).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    private static bool IsSetting(string name) =>
        name.StartsWith("Stats__", StringComparison.OrdinalIgnoreCase) ||
        name.StartsWith("Stats:", StringComparison.OrdinalIgnoreCase) ||
        name is "ASPNETCORE_ENVIRONMENT" or "DOTNET_ENVIRONMENT" or "ASPNETCORE_URLS";
}

/// <summary>A dashboard server process; disposing it kills it if it still runs.</summary>
public sealed class RunningDashboard(Process process, Uri address) : IDisposable
{
    public Uri Address { get; } = address;

    /// <summary>The server's process id (part of its aggregation lease holder's name).</summary>
    public int ProcessId { get; } = process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or an out-of-memory kill.</summary>
    public void KillHard()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            KillHard();
        }

        process.Dispose();
    }
}
