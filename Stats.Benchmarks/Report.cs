using System.Diagnostics;
using System.Reflection;
using System.Runtime;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Stats.Core.Ingestion;

namespace Stats.Benchmarks;

/// <summary>The one JSON document the benchmark prints: the headline figures first, then what they were measured on and from.</summary>
internal sealed record BenchmarkReport(
    long RawSqliteCeilingRowsPerS,
    long IngestInProcessEventsPerS,
    double IngestVsCeiling,
    long HttpBatchEventsPerS,
    long HttpSingleRequestsPerS,
    double PeakWorkingSetMb,
    double FinalWorkingSetMb,
    IReadOnlyList<TargetCheck> Targets,
    MachineInfo Machine,
    RunSettings Settings,
    Runs Runs);

/// <summary>A figure against its target.</summary>
internal sealed record TargetCheck(string Figure, string Target, double Value, bool Met);

/// <summary>The size of the run.</summary>
internal sealed record RunSettings(bool Quick, long InProcessEvents, long HttpBatchEvents, long HttpSingleRequests, string TempFolder);

/// <summary>Each run's counts and durations.</summary>
internal sealed record Runs(CeilingRun RawSqliteCeiling, IngestRun IngestInProcess, HttpRun HttpBatch, HttpRun HttpSingle, double TotalSeconds);

/// <summary>What the figures were measured on.</summary>
internal sealed record MachineInfo(
    int Cores,
    string? Cpu,
    double MemoryGb,
    string Os,
    string Runtime,
    string Architecture,
    string BuildConfiguration,
    bool ProductJitOptimized,
    string Gc,
    string SqliteVersion,
    string? TempFileSystem,
    double? HostLoad1mAtStart)
{
    public static MachineInfo Collect(string tempFolder)
    {
        var configuration = typeof(MachineInfo).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "unknown";
        var productOptimized = typeof(EventIngestor).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled != true;
        var gc = (GCSettings.IsServerGC ? "server" : "workstation") + (GCSettings.LatencyMode == GCLatencyMode.Batch ? "" : ", concurrent");
        return new MachineInfo(
            Environment.ProcessorCount, CpuModel(), Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1e9, 1),
            RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, RuntimeInformation.ProcessArchitecture.ToString(),
            configuration, productOptimized, gc, SqliteLibraryVersion(), FileSystemOf(tempFolder), CostMeter.HostLoad());
    }

    private static string SqliteLibraryVersion()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sqlite_version()";
        return (string)command.ExecuteScalar()!;
    }

    private static string? CpuModel()
    {
        const string CpuInfo = "/proc/cpuinfo";
        return File.Exists(CpuInfo)
            ? File.ReadLines(CpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
    }

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

internal static class Units
{
    public static double Mb(long bytes) => Math.Round(bytes / (1024.0 * 1024.0), 1);
}
