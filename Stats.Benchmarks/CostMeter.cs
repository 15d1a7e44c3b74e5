using System.Diagnostics;
using System.Globalization;

namespace Stats.Benchmarks;

/// <summary>
/// What a timed run cost besides wall time: the process's CPU time (how many cores it kept busy), what it wrote to disk,
/// and the host's load average at the end. On a shared machine a load above the core count means the figures are low.
/// </summary>
internal sealed record Cost(double Seconds, double CpuSeconds, double CoresBusy, double? DiskWrittenMb, double? HostLoad1m);

/// <summary>Measures a <see cref="Cost"/> from <see cref="Start"/> to <see cref="Stop"/>.</summary>
internal sealed class CostMeter
{
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly TimeSpan _cpu = CpuTime();
    private readonly long? _written = DiskWrittenBytes();

    public static CostMeter Start() => new();

    public TimeSpan Elapsed => _wall.Elapsed;

    public Cost Stop()
    {
        _wall.Stop();
        var cpu = (CpuTime() - _cpu).TotalSeconds;
        var written = DiskWrittenBytes() - _written;
        return new Cost(
            Math.Round(_wall.Elapsed.TotalSeconds, 2), Math.Round(cpu, 1), Math.Round(cpu / _wall.Elapsed.TotalSeconds, 2),
            written is { } bytes ? Units.Mb(bytes) : null, HostLoad());
    }

    private static TimeSpan CpuTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    /// <summary>Bytes this process caused to be written to storage (Linux <c>/proc/self/io</c>); null elsewhere.</summary>
    private static long? DiskWrittenBytes() => ProcFields("/proc/self/io", ':').TryGetValue("write_bytes", out var value) ? long.Parse(value, CultureInfo.InvariantCulture) : null;

    /// <summary>The host's 1-minute load average (Linux); null elsewhere.</summary>
    public static double? HostLoad()
    {
        const string LoadAverage = "/proc/loadavg";
        return File.Exists(LoadAverage) ? double.Parse(File.ReadAllText(LoadAverage).Split(' ')[0], CultureInfo.InvariantCulture) : null;
    }

    private static Dictionary<string, string> ProcFields(string path, char separator) =>
        File.Exists(path)
            ? File.ReadLines(path).Select(l => l.Split(separator, 2)).Where(p => p.Length == 2).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.Ordinal)
            : [];
}
