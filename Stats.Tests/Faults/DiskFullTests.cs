using System.Diagnostics;
using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Access;
using Stats.Core.Data;
using Stats.Dashboard.Api;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Faults;

/// <summary>The disk under the SQLite store fills up (a small tmpfs of the test's own), then gets room again.</summary>
public sealed class DiskFullTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WhileTheDiskIsFullWritesAre503AndHealthIsDegradedNamingItThenBothRecoverWithoutARestart()
    {
        using var folder = new TempFolder();
        var disk = folder.Combine("disk");
        Directory.CreateDirectory(disk);
        if (await MountSmallDiskAsync(disk) is { } refused)
        {
            // Not TestEnvironment.Unavailable: where mounting is refused (a sandbox, a container without CAP_SYS_ADMIN), CI cannot run it either.
            Assert.Skip($"The disk-full fault test mounts a small tmpfs, and mounting is refused here: {refused}");
        }

        try
        {
            await RunAsync(disk);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (await RunToolAsync("umount", disk) is not null)
            {
                await RunToolAsync("umount", "-l", disk);
            }
        }
    }

    private static async Task RunAsync(string disk)
    {
        var connectionString = $"Data Source={Path.Combine(disk, "stats.db")};Default Timeout=1";
        await using var dashboard = new DashboardFactory(new Dictionary<string, string?>
        {
            ["Stats:Database:ConnectionString"] = connectionString,
            ["Stats:Aggregation:Interval"] = "00:00:01",
        });
        using var http = await dashboard.CreateClientWithKeyAsync(ApiScopes.Ingest);
        var client = new FaultClient(http);
        using (var before = await client.PostAsync(client.NewBatch(100)))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var filler = Path.Combine(disk, "filler");
        await FillAsync(filler);

        // Large enough that the write-ahead log must grow: a full disk cannot take it.
        var refused = client.NewBatch(3_000);
        using (var during = await client.PostAsync(refused))
        {
            await FaultClient.AssertStoreUnavailableAsync(during);
        }

        // Degraded, naming the full disk, while the store can still be read. SQLite may fail reads too (an I/O error when a
        // reader must grow the write-ahead log's index on the full disk, depending on how far the refused write got): then
        // the store is unusable and health says so, unhealthy with the I/O error. Either way it names the disk, not "ok".
        HealthReport? seen = null;
        await FaultClient.WaitForAsync("/healthz to name the full disk", async () =>
        {
            var (code, report) = await client.HealthAsync();
            seen = report;
            return report is not null && (
                (code == HttpStatusCode.OK && report.Status == HealthApi.Degraded &&
                    report.Checks.Any(c => c.Status == HealthApi.Degraded && c.Cause!.Contains("full", StringComparison.Ordinal))) ||
                (code == HttpStatusCode.ServiceUnavailable && report.Status == HealthApi.Unhealthy &&
                    report.Error!.Contains("disk I/O error", StringComparison.Ordinal)));
        }, () => System.Text.Json.JsonSerializer.Serialize(seen));

        File.Delete(filler);

        await client.PostUntilAcknowledgedAsync(refused);
        await client.WaitForHealthAsync(HealthApi.Healthy);
        var lost = await client.LostAsync(dashboard.Services.GetRequiredService<IDbContextFactory<StatsDbContext>>());
        Assert.Equal(3_100, client.Acknowledged.Count);
        Assert.Empty(lost);
    }

    /// <summary>Writes until the disk has no byte left: big chunks, then ever smaller ones.</summary>
    private static async Task FillAsync(string path)
    {
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        for (var chunk = 1 << 20; chunk >= 512; chunk /= 2)
        {
            var bytes = new byte[chunk];
            while (true)
            {
                try
                {
                    await file.WriteAsync(bytes, Cancellation);
                }
                catch (IOException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>Mounts a 32 MB tmpfs; null when done, else why not.</summary>
    private static async Task<string?> MountSmallDiskAsync(string path) =>
        !OperatingSystem.IsLinux() ? "not Linux"
        : !Environment.IsPrivilegedProcess ? "it needs root"
        : await RunToolAsync("mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", path);

    /// <summary>Runs a tool; null when it succeeds, else what it said.</summary>
    private static async Task<string?> RunToolAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(start)!;
            var error = await process.StandardError.ReadToEndAsync(Cancellation);
            await process.WaitForExitAsync(Cancellation);
            return process.ExitCode == 0 ? null : $"{tool} exited with {process.ExitCode}: {error.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"{tool} cannot be run: {ex.Message}";
        }
    }
}
