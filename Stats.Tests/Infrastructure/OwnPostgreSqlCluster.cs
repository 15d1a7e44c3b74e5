using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Stats.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of the test's own (initdb and pg_ctl from /usr/lib/postgresql/*/bin, as .ci/run finds them) on
/// a free loopback port, so that a test can stop and start its server without touching the one the other tests share.
/// As root, the server runs as the postgres user (it refuses to run as root) from a folder that user can enter.
/// </summary>
public sealed class OwnPostgreSqlCluster : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _folder;
    private readonly int _port;

    private OwnPostgreSqlCluster(string bin, string folder, int port)
    {
        _bin = bin;
        _folder = folder;
        _port = port;
    }

    /// <summary>The connection string of the cluster's <c>stats</c> database.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={_port};Database=stats;Username=postgres;Timeout=5";

    private string DataFolder => Path.Combine(_folder, "data");

    /// <summary>Creates and starts a cluster with an empty <c>stats</c> database; skips (fails under CI) when PostgreSQL is not installed.</summary>
    public static async Task<OwnPostgreSqlCluster> StartAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin"))
                .FirstOrDefault(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
            : null;
        if (bin is null)
        {
            TestEnvironment.Unavailable(
                "The store-down fault test runs a PostgreSQL cluster of its own, but there is no initdb and pg_ctl under /usr/lib/postgresql/*/bin (install PostgreSQL, as .ci/run does).");
        }

        // /tmp rather than a temp folder under root's home: the postgres user must be able to enter it.
        var folder = Directory.CreateDirectory(Path.Combine(Environment.IsPrivilegedProcess ? "/tmp" : Path.GetTempPath(), $"stats-pg-{Guid.NewGuid():N}")).FullName;
        if (Environment.IsPrivilegedProcess && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, (UnixFileMode)0x1FF);
        }

        var cluster = new OwnPostgreSqlCluster(bin!, folder, FreePort());
        await cluster.RunAsync("initdb", "-D", cluster.DataFolder, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
        await cluster.StartAgainAsync();
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var create = new NpgsqlCommand("CREATE DATABASE stats", connection);
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        return cluster;
    }

    /// <summary>Starts the server and returns once it accepts connections.</summary>
    public Task StartAgainAsync() => RunAsync(
        "pg_ctl", "start", "-w", "-D", DataFolder, "-l", Path.Combine(_folder, "server.log"),
        "-o", $"-p {_port} -c listen_addresses=127.0.0.1 -k {_folder}");

    /// <summary>Stops the server as an administrator would (fast shutdown: sessions are ended, clients see 57P01).</summary>
    public Task StopAsync() => RunAsync("pg_ctl", "stop", "-w", "-m", "fast", "-D", DataFolder);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunAsync("pg_ctl", "stop", "-w", "-m", "immediate", "-D", DataFolder);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(_folder, recursive: true);
    }

    private async Task RunAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.IsPrivilegedProcess ? "runuser" : Path.Combine(_bin, tool))
        {
            WorkingDirectory = _folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Environment.IsPrivilegedProcess)
        {
            foreach (var arg in new[] { "-u", "postgres", "--", Path.Combine(_bin, tool) })
            {
                start.ArgumentList.Add(arg);
            }
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        if (process.ExitCode != 0)
        {
            var log = Path.Combine(_folder, "server.log");
            throw new InvalidOperationException(
                $"{tool} {string.Join(' ', args)} exited with {process.ExitCode}:\n{await output}\n{await error}\n{(File.Exists(log) ? await File.ReadAllTextAsync(log) : "")}");
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
